[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string]$Environment,
    [string]$Version = "latest",
    [switch]$DryRun
)

$ErrorActionPreference = "Stop"
Import-Module WebAdministration

$servers = Get-Content -Path ".\servers-$Environment.txt"
$logFile = Join-Path $env:TEMP "deploy-$(Get-Date -Format 'yyyyMMdd-HHmmss').log"

function Write-Log {
    param([string]$Message, [string]$Level = "INFO")
    $line = "{0} [{1}] {2}" -f (Get-Date -Format s), $Level, $Message
    Add-Content -Path $logFile -Value $line
    Write-Host $line
}

function Test-ServerReady {
    param([string]$Server)
    $result = Test-NetConnection -ComputerName $Server -Port 443 -WarningAction SilentlyContinue
    return $result.TcpTestSucceeded
}

foreach ($server in $servers) {
    if (-not (Test-ServerReady -Server $server)) {
        Write-Log "Server $server unreachable, skipped" "WARN"
        continue
    }
    if ($DryRun) {
        Write-Log "Would deploy $Version to $server"
        continue
    }
    Invoke-Command -ComputerName $server -ScriptBlock {
        param($v)
        Stop-WebAppPool -Name "AcmeApp"
        Copy-Item -Path "\\share\builds\$v\*" -Destination "C:\inetpub\acme" -Recurse -Force
        Start-WebAppPool -Name "AcmeApp"
    } -ArgumentList $Version
    Write-Log "Deployed $Version to $server"
}

$failed = Get-ChildItem -Path $logFile | Select-String -Pattern "WARN" | Measure-Object
if ($failed.Count -gt 0) {
    Write-Log "$($failed.Count) server(s) skipped" "WARN"
    exit 1
}
Get-Process | Where-Object { $_.CPU -gt 100 } | Sort-Object CPU -Descending | Select-Object -First 5
