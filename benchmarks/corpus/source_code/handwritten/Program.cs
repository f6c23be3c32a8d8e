using System;
using System.IO;
using System.Text.Json;

namespace Acme.Tools
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length < 1)
            {
                Console.Error.WriteLine("usage: export-tool <config.json>");
                return 2;
            }
            var path = args[0];
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"config not found: {path}");
                return 1;
            }
            var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
            var config = JsonSerializer.Deserialize<ExportConfig>(File.ReadAllText(path), options);
            try
            {
                using var writer = new StreamWriter(config.Output);
                foreach (var table in config.Tables)
                {
                    writer.WriteLine($"# {table}");
                    var rows = Database.Query(config.ConnectionString, $"SELECT * FROM {table}");
                    foreach (var row in rows)
                    {
                        writer.WriteLine(string.Join(";", row));
                    }
                }
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 3;
            }
            return 0;
        }
    }

    public sealed class ExportConfig
    {
        public string ConnectionString { get; init; } = "";
        public string Output { get; init; } = "export.csv";
        public string[] Tables { get; init; } = Array.Empty<string>();
    }
}
