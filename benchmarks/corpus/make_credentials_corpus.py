"""Generates benchmarks/corpus/credentials/corpus.jsonl: labelled prompts with planted, fabricated credentials.

Every value is made up by a seeded RNG (right shape, random characters), so the output is deterministic and the
label offsets are exact. Templates and values are independent of the rule examples in rules/credentials/.
Run: .venv/bin/python benchmarks/corpus/make_credentials_corpus.py
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import zlib
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent / "credentials" / "corpus.jsonl"
rng = random.Random(424242)

U, L, D = string.ascii_uppercase, string.ascii_lowercase, string.digits
AN = U + L + D
HEX = "0123456789abcdef"
B64 = AN + "+/"
B64U = AN + "-_"
_BAD = ("test", "fake", "xxx", "your", "example", "sample", "dummy", "insert")


def rs(chars: str, n: int) -> str:
    """Random string without accidental placeholder words or long runs."""
    while True:
        v = "".join(rng.choice(chars) for _ in range(n))
        low = v.lower()
        if any(w in low for w in _BAD) or re.search(r"(.)\1{4,}", v):
            continue
        return v


def uuid4() -> str:
    h = rs(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


_B62 = D + U + L


def checksummed(prefix: str) -> str:
    """GitHub/npm style: 30 random base62 characters and the base62 CRC32 of them."""
    body = rs(AN, 30)
    n = zlib.crc32(body.encode()) & 0xFFFFFFFF
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _B62[r] + out
    return f"{prefix}_{body}{out.rjust(6, '0')}"


def pem(label: str, lines: int) -> str:
    body = "\n".join(rs(B64, 64) for _ in range(lines))
    return f"-----BEGIN {label}-----\n{body}\n{rs(B64, 28)}==\n-----END {label}-----"


def jwt() -> str:
    def enc(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    claims: dict[str, object] = {"sub": str(rng.randint(10000, 99999)), "iat": rng.randint(1_700_000_000, 1_800_000_000)}
    if rng.random() < 0.5:
        claims["email"] = f"{rng.choice(['j.martin', 'c.bernard', 'ops', 'l.petit'])}@{rng.choice(['acme.fr', 'societe.eu'])}"
    alg = rng.choice(["HS256", "RS256", "ES256"])
    sig = rs(B64U, 43 if alg != "RS256" else 342)
    return f"{enc({'alg': alg, 'typ': 'JWT'})}.{enc(claims)}.{sig}"


WORDS = ["Soleil", "Marmotte", "Chocolat", "Tournesol", "Bretagne", "Cerise", "Falcon", "Harbor", "Velvet", "Quartz",
         "Lavande", "Papillon", "Orage", "Nuage", "Tempete", "Granite", "Cobalt", "Maple", "Ember", "Atlas"]


def password() -> str:
    """A human-made password: word + digits + symbol, or a random mix."""
    if rng.random() < 0.6:
        w = rng.choice(WORDS)
        if rng.random() < 0.3:
            w = w.replace("o", "0").replace("e", "3")
        return w + str(rng.randint(10, 9999)) + rng.choice("!#$%&*@?+-")
    return rs(AN + "!#%&*+-=?@^", rng.randint(10, 18))


# kind -> (family, generator, variable names usable in code/config; empty when the value names itself)
Kind = tuple[str, Callable[[], str], list[str]]
KINDS: dict[str, Kind] = {
    "aws_key": ("aws", lambda: "AKIA" + rs("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), ["AWS_ACCESS_KEY_ID", "aws_access_key_id"]),
    "aws_secret": ("aws", lambda: rs(B64, 40), ["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"]),
    "gcp_api_key": ("gcp", lambda: "AIza" + rs(B64U, 35), []),
    "gcp_oauth_secret": ("gcp", lambda: "GOCSPX-" + rs(B64U, 28), []),
    "azure_ad_secret": ("azure", lambda: rs(AN, 3) + rng.choice(D) + "Q~" + rs(AN + "_-.~", 34), ["AZURE_CLIENT_SECRET", "ClientSecret"]),
    "alibaba_key": ("alibaba", lambda: "LTAI" + rs(AN, 20), []),
    "ovh_secret": ("ovh", lambda: rs(AN, 32), ["OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY"]),
    "scaleway_secret": ("scaleway", uuid4, ["SCW_SECRET_KEY"]),
    "digitalocean": ("digitalocean", lambda: "dop_v1_" + rs(HEX, 64), []),
    "heroku": ("heroku", lambda: "HRKU-AA" + rs(B64U, 58), []),
    "cloudflare": ("cloudflare", lambda: rs(B64U, 40), ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"]),
    "github_pat": ("github", lambda: checksummed("ghp"), []),
    "github_oauth": ("github", lambda: checksummed("gho"), []),
    "github_fine": ("github", lambda: "github_pat_11" + rs(U + D, 20) + "_" + rs(AN, 59), []),
    "gitlab": ("gitlab", lambda: "glpat-" + rs(B64U, 20), []),
    "bitbucket": ("bitbucket", lambda: "ATBB" + rs(AN, 32), []),
    "atlassian": ("atlassian", lambda: "ATATT3xFfGF0" + rs(B64U, 180) + "=" + rs("0123456789ABCDEF", 8), []),
    "circleci": ("circleci", lambda: "CCIPAT_" + rs(AN, 22) + "_" + rs(HEX, 40), []),
    "npm": ("npm", lambda: checksummed("npm"), []),
    "pypi": ("pypi", lambda: "pypi-AgEIcHlwaS5vcmc" + rs(B64U, 140), []),
    "docker": ("docker", lambda: "dckr_pat_" + rs(B64U, 27), []),
    "terraform": ("terraform", lambda: rs(AN, 14) + ".atlasv1." + rs(B64U, 67), []),
    "vault": ("vault", lambda: "hvs." + rs(B64U, 91), []),
    "doppler": ("doppler", lambda: "dp.st.prd." + rs(AN, 43) if False else "dp.st." + rs(AN, 43), []),
    "pulumi": ("pulumi", lambda: "pul-" + rs(HEX, 40), []),
    "grafana": ("grafana", lambda: "glsa_" + rs(AN, 32) + "_" + rs(HEX, 8), []),
    "openai": ("openai", lambda: "sk-proj-" + rs(B64U, 74) + "T3BlbkFJ" + rs(B64U, 74), []),
    "anthropic": ("anthropic", lambda: "sk-ant-api03-" + rs(B64U, 93) + "AA", []),
    "mistral": ("mistral", lambda: rs(AN, 32), ["MISTRAL_API_KEY", "mistral_api_key"]),
    "huggingface": ("huggingface", lambda: "hf_" + rs(U + L, 34), []),
    "cohere": ("cohere", lambda: rs(AN, 40), ["COHERE_API_KEY", "CO_API_KEY"]),
    "groq": ("groq", lambda: "gsk_" + rs(AN, 52), []),
    "replicate": ("replicate", lambda: "r8_" + rs(AN, 37), []),
    "perplexity": ("perplexity", lambda: "pplx-" + rs(AN, 48), []),
    "xai": ("xai", lambda: "xai-" + rs(AN, 80), []),
    "deepseek": ("deepseek", lambda: "sk-" + rs(HEX, 32), ["DEEPSEEK_API_KEY"]),
    "stripe_sk": ("stripe", lambda: "sk_live_" + rs(AN, rng.choice([24, 99])), []),
    "stripe_rk": ("stripe", lambda: "rk_live_" + rs(AN, 99), []),
    "stripe_whsec": ("stripe", lambda: "whsec_" + rs(AN, 32), []),
    "braintree": ("braintree", lambda: "access_token$production$" + rs(L + D, 16) + "$" + rs(HEX, 32), []),
    "square": ("square", lambda: "EAAA" + rs(B64U, 60), []),
    "gocardless": ("gocardless", lambda: "live_" + rs(B64U, 40), ["GOCARDLESS_ACCESS_TOKEN"]),
    "slack_bot": ("slack", lambda: f"xoxb-{rs(D, 12)}-{rs(D, 13)}-{rs(AN, 24)}", []),
    "slack_user": ("slack", lambda: f"xoxp-{rs(D, 11)}-{rs(D, 12)}-{rs(D, 13)}-{rs(HEX, 32)}", []),
    "slack_webhook": ("slack", lambda: f"https://hooks.slack.com/services/T{rs(U + D, 10)}/B{rs(U + D, 10)}/{rs(AN, 24)}", []),
    "twilio": ("twilio", lambda: "SK" + rs(HEX, 32), ["TWILIO_API_KEY"]),
    "sendgrid": ("sendgrid", lambda: "SG." + rs(B64U, 22) + "." + rs(B64U, 43), []),
    "mailgun": ("mailgun", lambda: "key-" + rs(HEX, 32), []),
    "mailchimp": ("mailchimp", lambda: rs(HEX, 32) + "-us" + str(rng.randint(1, 21)), []),
    "brevo": ("brevo", lambda: "xkeysib-" + rs(HEX, 64) + "-" + rs(AN, 16), []),
    "telegram": ("telegram", lambda: str(rng.randint(10**8, 10**10 - 1)) + ":AA" + rs(B64U, 33), []),
    "discord_webhook": ("discord", lambda: f"https://discord.com/api/webhooks/{rs(D, 19)}/{rs(B64U, 68)}", []),
    "discord_bot": ("discord", lambda: rng.choice("MNO") + rs(B64U, 25) + "." + rs(B64U, 6) + "." + rs(B64U, 38), ["DISCORD_TOKEN", "DISCORD_BOT_TOKEN"]),
    "teams_webhook": ("teams", lambda: f"https://{rs(L, 8)}.webhook.office.com/webhookb2/{uuid4()}@{uuid4()}/IncomingWebhook/{rs(HEX, 32)}/{uuid4()}", []),
    "shopify": ("shopify", lambda: "shpat_" + rs(HEX, 32), []),
    "notion": ("notion", lambda: "ntn_" + rs(D, 11) + rs(AN, 35), []),
    "datadog": ("datadog", lambda: rs(HEX, 32), ["DD_API_KEY", "DATADOG_API_KEY"]),
    "newrelic": ("newrelic", lambda: "NRAK-" + rs(U + D, 27), []),
    "sentry": ("sentry", lambda: "sntrys_eyJ" + rs(B64U, 150), []),
    "hubspot": ("hubspot", lambda: "pat-eu1-" + uuid4(), []),
    "linear": ("linear", lambda: "lin_api_" + rs(AN, 40), []),
    "postman": ("postman", lambda: "PMAK-" + rs(HEX, 24) + "-" + rs(HEX, 34), []),
    "okta": ("okta", lambda: "00" + rs(B64U, 40), ["OKTA_API_TOKEN"]),
    "airtable": ("airtable", lambda: "pat" + rs(AN, 14) + "." + rs(HEX, 64), []),
    "jwt": ("jwt", jwt, []),
    "generic_api_key": ("generic_secret", lambda: rs(AN, rng.choice([24, 32, 40])), ["INTERNAL_API_KEY", "PARTNER_API_SECRET", "api_key", "client_secret"]),
}

PREFIXED = [k for k, (_, _, names) in KINDS.items() if not names]
ANCHORED = [k for k, (_, _, names) in KINDS.items() if names]

HOSTS = ["db-prod.internal", "10.12.0.4", "pg.acme-sas.fr", "cluster0.x7k2p.mongodb.net", "cache.prod.local", "rabbit.svc.cluster.local"]
USERS = ["app_rw", "admin", "svc_factures", "postgres", "jdupont", "etl", "backend"]


class Builder:
    """Concatenates text pieces and records the span of every planted secret."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.labels: list[dict[str, object]] = []

    def add(self, s: str) -> Builder:
        self.parts.append(s)
        self.n += len(s)
        return self

    def secret(self, value: str, family: str) -> Builder:
        self.labels.append({"start": self.n, "end": self.n + len(value), "family": family})
        return self.add(value)

    def text(self) -> str:
        return "".join(self.parts)


def fill(b: Builder, template: str, slots: dict[str, tuple[str, str | None]]) -> None:
    """Template with {name} slots; each slot is (value, family or None for a non-secret)."""
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        b.add(template[pos:m.start()])
        value, family = slots[m.group(1)]
        if family:
            b.secret(value, family)
        else:
            b.add(value)
        pos = m.end()
    b.add(template[pos:])


def value_of(kind: str) -> tuple[str, str, str]:
    fam, gen, names = KINDS[kind]
    return gen(), fam, (rng.choice(names) if names else kind.upper() + "_TOKEN")


# ------------------------------------------------------------------ positive templates
INTROS_FR = ["Salut, ", "Bonjour, ", "Peux-tu m'aider ? ", "J'ai une erreur, ", "Urgent : ", ""]
INTROS_EN = ["Hi, ", "Hey, ", "Can you help? ", "Quick question: ", ""]


def env_file(b: Builder) -> None:
    kinds = rng.sample(list(KINDS), rng.randint(2, 4))
    intro = rng.choice(["Voici mon .env, l'appli ne démarre pas :", "Here is my .env, the app crashes on boot:",
                        "Mon fichier .env.production (je ne comprends pas l'erreur) :", "Can you convert this .env to a docker-compose file?"])
    b.add(rng.choice(INTROS_FR + INTROS_EN) + intro + "\n```\nNODE_ENV=production\nPORT=8080\n")
    for k in kinds:
        v, fam, name = value_of(k)
        if k == "aws_secret":
            name = "AWS_SECRET_ACCESS_KEY"
        b.add(f"{name}=")
        b.secret(v, fam)
        b.add("\n")
    if rng.random() < 0.5:
        b.add("DB_PASSWORD=")
        b.secret(password(), "password")
        b.add("\n")
    b.add("LOG_LEVEL=info\n```")


def python_client(b: Builder) -> None:
    k = rng.choice(["openai", "anthropic", "mistral", "cohere", "groq", "huggingface", "replicate", "perplexity", "xai", "deepseek", "stripe_sk", "sendgrid"])
    v, fam, _ = value_of(k)
    cls = {"openai": "OpenAI", "anthropic": "Anthropic", "mistral": "Mistral", "cohere": "cohere.Client", "groq": "Groq",
           "huggingface": "InferenceClient", "replicate": "replicate.Client", "perplexity": "OpenAI", "xai": "OpenAI",
           "deepseek": "OpenAI", "stripe_sk": "StripeClient", "sendgrid": "SendGridAPIClient"}[k]
    arg = "api_token" if k in ("replicate", "huggingface") else "api_key"
    q = rng.choice(["Pourquoi j'ai une erreur 401 avec ce code ?", "Why does this return 401?", "Comment ajouter un retry ici ?",
                    "Refactor this into an async function please."])
    b.add(f"{q}\n\n```python\nimport os\n")
    if k == "mistral":
        b.add("from mistralai import Mistral\n\nclient = Mistral(api_key=\"")
    elif k == "deepseek":
        b.add("from openai import OpenAI\n\n# deepseek\nDEEPSEEK_API_KEY = \"")
    elif k == "cohere":
        b.add("import cohere\n\nCOHERE_API_KEY = \"")
    else:
        b.add(f"client = {cls}({arg}=\"")
    b.secret(v, fam)
    b.add("\")\n")
    b.add("resp = client.chat(messages=[{\"role\": \"user\", \"content\": prompt}], max_tokens=512)\nprint(resp)\n```")


def curl_bearer(b: Builder) -> None:
    k = rng.choice(["jwt", "jwt", "github_pat", "gitlab", "openai", "slack_bot", "vault", "hubspot", "linear", "notion", "bearer_opaque"])
    if k == "bearer_opaque":
        v, fam = rs(B64U, rng.choice([32, 40, 64])), "bearer"
    else:
        v, fam, _ = value_of(k)
    url = rng.choice(["https://api.acme.fr/v2/factures", "https://api.github.com/user/repos", "https://gitlab.com/api/v4/projects",
                      "https://api.interne.local/clients?page=2", "https://vault.acme.fr/v1/secret/data/app"])
    intro = rng.choice(["Cette commande renvoie 403, pourquoi ?", "This curl works but my Python port doesn't:", "Traduis cette commande en requests Python :",
                        "Le endpoint répond 500 :"])
    b.add(f"{intro}\n\ncurl -s -X GET \"{url}\" \\\n  -H \"Authorization: Bearer ")
    b.secret(v, fam)
    b.add("\" \\\n  -H \"Accept: application/json\"")


def stack_trace(b: Builder) -> None:
    scheme, fam = rng.choice([("postgresql", "postgres"), ("postgres", "postgres"), ("mysql", "mysql"), ("mongodb+srv", "mongodb"),
                              ("redis", "redis"), ("amqp", "amqp"), ("postgresql+psycopg2", "postgres")])
    pw = password() if rng.random() < 0.5 else rs(AN, rng.randint(12, 24))
    pw = pw.replace("@", "%40").replace("/", "").replace("?", "").replace("#", "")
    user = "" if (fam == "redis" and rng.random() < 0.5) else rng.choice(USERS)
    host = rng.choice(HOSTS)
    lang = rng.random()
    if lang < 0.5:
        b.add("J'ai cette erreur au démarrage, une idée ?\n\nTraceback (most recent call last):\n  File \"app/db.py\", line 14, in <module>\n"
              f"    engine = create_engine(\"{scheme}://{user}:")
        b.secret(pw, fam)
        b.add(f"@{host}:5432/prod\")\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection timed out")
    else:
        b.add(f"Getting this in the logs:\n\nERROR [main] Failed to connect: url={scheme}://{user}:")
        b.secret(pw, fam)
        b.add(f"@{host}/app?sslmode=require\n  at Pool.connect (node_modules/pg-pool/index.js:45:11)\nHow do I add a retry?")


def docker_compose(b: Builder) -> None:
    ks = rng.sample(PREFIXED + ANCHORED, 2)
    b.add(rng.choice(["Mon docker-compose ne démarre pas le service api :", "Can you add a healthcheck to this compose file?"]) +
          "\n\n```yaml\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ")
    b.secret(password(), "password")
    b.add("\n  api:\n    build: .\n    environment:\n")
    for k in ks:
        v, fam, name = value_of(k)
        if k == "aws_secret":
            name = "AWS_SECRET_ACCESS_KEY"
        b.add(f"      - {name}=")
        b.secret(v, fam)
        b.add("\n")
    b.add("    depends_on: [db]\n```")


def k8s_secret(b: Builder) -> None:
    b.add("Is this Kubernetes secret correct? The pod says CreateContainerConfigError.\n\n```yaml\napiVersion: v1\nkind: Secret\n"
          "metadata:\n  name: backend-secrets\ntype: Opaque\nstringData:\n")
    for k in rng.sample(PREFIXED, 2):
        v, fam, _ = value_of(k)
        b.add(f"  {k.upper()}: \"")
        b.secret(v, fam)
        b.add("\"\n")
    b.add("  DATABASE_PASSWORD: \"")
    b.secret(password(), "password")
    b.add("\"\n```")


def terraform(b: Builder) -> None:
    r = rng.random()
    if r < 0.4:
        b.add("Terraform me dit 'invalid credentials' :\n\n```hcl\nprovider \"aws\" {\n  region     = \"eu-west-3\"\n  access_key = \"")
        b.secret(KINDS["aws_key"][1](), "aws")
        b.add("\"\n  secret_key = \"")
        b.secret(KINDS["aws_secret"][1](), "aws")
        b.add("\"\n}\n```\n(je sais, il faudrait un profil)")
    elif r < 0.7:
        b.add("```hcl\nprovider \"cloudflare\" {\n  api_token = \"")
        b.secret(KINDS["cloudflare"][1](), "cloudflare")
        b.add("\"\n}\n```\nHow do I import an existing DNS record?")
    else:
        b.add("Pourquoi `terraform login` ne suffit pas ?\n\n```hcl\ncredentials \"app.terraform.io\" {\n  token = \"")
        b.secret(KINDS["terraform"][1](), "terraform")
        b.add("\"\n}\n```")


def ci_config(b: Builder) -> None:
    k = rng.choice(["npm", "pypi", "docker", "sonar", "github_pat", "gitlab", "circleci", "pulumi", "doppler", "vault"])
    if k == "sonar":
        v, fam = "sqp_" + rs(HEX, 40), "sonarqube"
    else:
        v, fam, _ = value_of(k)
    if rng.random() < 0.5:
        b.add("Ma pipeline GitHub Actions échoue à l'étape publish :\n\n```yaml\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n"
              f"      {k.upper()}_TOKEN: ")
        b.secret(v, fam)
        b.add("\n    steps:\n      - uses: actions/checkout@v4\n      - run: make publish\n```")
    else:
        b.add(".gitlab-ci.yml:\n```yaml\nvariables:\n  DEPLOY_TOKEN: \"")
        b.secret(v, fam)
        b.add("\"\ndeploy:\n  script:\n    - ./deploy.sh\n```\nWhy is the variable empty in the job?")


def chat_message(b: Builder) -> None:
    k = rng.choice(PREFIXED)
    v, fam, _ = value_of(k)
    t = rng.choice([
        "Salut l'équipe, voici le token pour l'API de prod : {v} (à ne pas partager)",
        "Hey, the new key is {v}, can you update the staging config?",
        "Reformule ce message Slack plus poliment : « tiens la clé {v} et arrête de me la demander »",
        "Résume ce fil de discussion : Marc: j'ai régénéré le token. Julie: tu peux me l'envoyer ? Marc: {v}. Julie: merci !",
        "Translate to English: « Voici la nouvelle clé d'accès : {v}. Elle expire dans 90 jours. »",
    ])
    fill(b, t, {"v": (v, fam)})


def password_prose(b: Builder) -> None:
    pw = password()
    t = rng.choice([
        "Mon mot de passe est {p} et je n'arrive pas à me connecter au VPN, que faire ?",
        "Identifiant : c.bernard / mot de passe : {p} — pourquoi le portail refuse ?",
        "Peux-tu écrire un mail au support ? Mon compte jdupont, le mdp c'est {p}, bloqué depuis ce matin.",
        "The admin password is {p}, please write a script that logs in and downloads the report.",
        "My password: {p} — is it strong enough?",
        "Rédige une procédure d'accès au NAS. Utilisateur : admin, mot de passe : {p}.",
        "Le mot de passe du wifi invités est {p} ; fais-en une affiche.",
    ])
    fill(b, t, {"p": (pw, "password")})


def config_password(b: Builder) -> None:
    pw = password()
    t = rng.choice([
        "```properties\nspring.datasource.url=jdbc:postgresql://{h}:5432/rh\nspring.datasource.username=svc_rh\nspring.datasource.password={p}\n```\nComment passer à Hikari ?",
        "```yaml\nsmtp:\n  host: smtp.office365.com\n  user: notifications@acme.fr\n  password: \"{p}\"\n```\nWhy does Outlook reject the login?",
        "settings.py:\n```python\nDATABASES = {{\"default\": {{\"ENGINE\": \"django.db.backends.postgresql\", \"PASSWORD\": \"{p}\", \"HOST\": \"{h}\"}}}}\n```",
        "```ini\n[mysql]\nuser = backup\npassword = {p}\nhost = {h}\n```\nComment chiffrer ce fichier ?",
        "appsettings.json :\n```json\n{{\"ConnectionStrings\": {{\"Default\": \"Server={h};Database=Compta;User Id=sa;Password={p};\"}}}}\n```",
    ])
    t = t.replace("{{", "\x00").replace("}}", "\x01")
    fam = "mssql" if "Server=" in t else "password"
    b2 = Builder()
    fill(b2, t, {"p": (pw, fam), "h": (rng.choice(HOSTS), None)})
    for part in b2.parts:
        b.add(part.replace("\x00", "{").replace("\x01", "}"))
    for lab in b2.labels:
        b.labels.append(lab)


def private_key(b: Builder) -> None:
    label, lines = rng.choice([("RSA PRIVATE KEY", 20), ("OPENSSH PRIVATE KEY", 6), ("EC PRIVATE KEY", 3), ("PRIVATE KEY", 25)])
    b.add(rng.choice(["ssh me dit 'invalid format' avec cette clé :\n\n", "Why does nginx reject this key?\n\n", "Convertis cette clé en PKCS#8 :\n\n"]))
    b.secret(pem(label, lines), "private_key")
    b.add("\n\nMerci !" if rng.random() < 0.5 else "")


def gcp_sa(b: Builder) -> None:
    body = "\\n".join(rs(B64, 64) for _ in range(12))
    key = f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n"
    proj = rng.choice(["data-lake-prod", "crm-2291", "ml-batch-fr"])
    b.add("Le job BigQuery échoue avec ce compte de service :\n```json\n{\n  \"type\": \"service_account\",\n"
          f"  \"project_id\": \"{proj}\",\n  \"private_key_id\": \"{rs(HEX, 40)}\",\n  \"private_key\": \"")
    b.secret(key, "gcp")
    b.add(f"\",\n  \"client_email\": \"loader@{proj}.iam.gserviceaccount.com\"\n}}\n```")


def azure_conn(b: Builder) -> None:
    key = rs(B64, 86) + "=="
    b.add("Azure Blob upload fails with 403:\n```csharp\nvar conn = \"DefaultEndpointsProtocol=https;AccountName=stacmedocs;AccountKey=")
    b.secret(key, "azure")
    b.add(";EndpointSuffix=core.windows.net\";\nvar client = new BlobServiceClient(conn);\n```")


def misc_url(b: Builder) -> None:
    r = rng.random()
    pw = rs(AN, rng.randint(10, 20))
    if r < 0.35:
        b.add("pip n'arrive pas à installer depuis notre Nexus :\n`pip install --index-url https://deploy:")
        b.secret(pw, "url_credentials")
        b.add("@nexus.acme.fr/repository/pypi/simple lib-interne`")
    elif r < 0.6:
        b.add("curl -u admin:")
        b.secret(pw, "basic_auth")
        b.add(" https://jenkins.acme.fr/job/build/api/json  -> 401, why?")
    elif r < 0.8:
        raw = base64.b64encode(f"svc-export:{pw}".encode()).decode()
        b.add("GET /export HTTP/1.1\nHost: erp.acme.fr\nAuthorization: Basic ")
        b.secret(raw, "basic_auth")
        b.add("\n\nPourquoi le serveur répond 401 ?")
    else:
        b.add("Mon .netrc :\nmachine git.acme.fr login jdupont password ")
        b.secret(pw, "password")
        b.add("\nGit me redemande quand même le mot de passe.")


def webhooks(b: Builder) -> None:
    k = rng.choice(["slack_webhook", "discord_webhook", "teams_webhook"])
    v, fam, _ = value_of(k)
    b.add(rng.choice(["Ce script n'envoie rien sur le canal :\n```python\nrequests.post(\"", "Why does this webhook return 404?\n```js\nawait fetch(\""]))
    b.secret(v, fam)
    b.add("\", json={\"text\": \"Déploiement terminé\"})\n```")


def lookalike(b: Builder) -> None:
    """Secrets split by invisible characters or written with look-alike dashes."""
    k = rng.choice(["openai", "anthropic", "github_pat", "stripe_sk", "slack_bot", "gitlab"])
    v, fam, _ = value_of(k)
    i = rng.randint(8, len(v) - 8)
    mode = rng.random()
    if mode < 0.5:
        v2 = v[:i] + "\u200b" + v[i:]
    else:
        v2 = v.replace("-", "\u2011", 1) if "-" in v else v[:i] + "\u2060" + v[i:]
    b.add(rng.choice(["Voici la clé : ", "key: ", "Token -> "]))
    b.secret(v2, fam)
    b.add(rng.choice([" merci", "", " (copied from the dashboard)"]))


def code_password(b: Builder) -> None:
    """Passwords and keys as they appear in PHP, Java, shell, .pgpass and query strings."""
    pw = password()
    key = rs(AN, 32)
    t = rng.choice([
        ("wp-config.php :\n```php\ndefine('DB_PASSWORD', '{p}');\ndefine('DB_HOST', 'localhost');\n```\nPourquoi « Error establishing a database connection » ?", "password"),
        ("```php\n$config = ['host' => 'db', 'user' => 'shop', 'password' => '{p}'];\n```\nHow do I move this to env vars?", "password"),
        ("```java\nprops.put(\"mail.smtp.password\", \"{p}\");\n```\nAuthenticationFailedException, une idée ?", "password"),
        ("PGPASSWORD='{p}' psql -h db-prod.internal -U reporting -d ventes -c 'select 1'\nça bloque, pourquoi ?", "password"),
        ("mysqldump --host=10.0.3.12 --user=backup --password={p} boutique > dump.sql\nLe dump est vide.", "password"),
        ("Appel API : https://api.partenaire.fr/v1/stock?api_key={k}&sku=ABC-123 → 403, normal ?", "generic_secret"),
        ("```js\nconst headers = {{ 'x-api-key': '{k}', 'Content-Type': 'application/json' }};\n```", "generic_secret"),
        ("Authorization: token {g}\nGitHub renvoie 'Bad credentials'.", "github"),
    ])
    tpl, fam = t
    tpl = tpl.replace("{{", "\x00").replace("}}", "\x01")
    b2 = Builder()
    fill(b2, tpl, {"p": (pw, fam), "k": (key, fam), "g": (checksummed("ghp"), fam)})
    for part in b2.parts:
        b.add(part.replace("\x00", "{").replace("\x01", "}"))
    b.labels.extend(b2.labels)


def variants(b: Builder) -> None:
    """Less common ways people paste a secret: CLI flags, other auth schemes, prose in both languages."""
    t, fam, v = rng.choice([
        ("headers = {{'Authorization': 'Token {v}'}}\nrequests.get(url, headers=headers) -> 401", "bearer", rs(HEX, 40)),
        ("redis-cli -h cache.prod.local -p 6380 -a {v} --tls ping\nIt hangs, why?", "redis", rs(AN, 24)),
        ("mysql -h 10.0.3.12 -u root -p{v} boutique < schema.sql\nERROR 1045 (28000)", "password", password().replace("'", "")),
        ("aws configure set aws_secret_access_key {v} --profile prod", "aws", rs(B64, 40)),
        ("Ma clé API : {v} — elle marche sur Postman mais pas dans mon script.", "generic_secret", rs(AN, 32)),
        ("le token d'accès du partenaire est {v}, il expire en mars", "generic_secret", rs(AN, 40)),
        ("My API key is {v}, can you write the fetch call?", "generic_secret", rs(AN, 32)),
        ("Voici le mot de passe du compte de service pour la prod : {v}", "password", password()),
        ("```python\nbot = commands.Bot(command_prefix='!')\nbot.run('{v}')\n```", "discord", KINDS["discord_bot"][1]()),
        ("kubectl create secret generic api --from-literal=API_TOKEN={v}", "generic_secret", rs(AN, 36)),
    ])
    t = t.replace("{{", "\x00").replace("}}", "\x01")
    b2 = Builder()
    fill(b2, t, {"v": (v, fam)})
    for part in b2.parts:
        b.add(part.replace("\x00", "{").replace("\x01", "}"))
    b.labels.extend(b2.labels)


POSITIVE: list[tuple[Callable[[Builder], None], int]] = [
    (env_file, 45), (python_client, 40), (curl_bearer, 30), (stack_trace, 30), (docker_compose, 20), (k8s_secret, 18),
    (terraform, 15), (ci_config, 20), (chat_message, 35), (password_prose, 28), (config_password, 25), (private_key, 12),
    (gcp_sa, 5), (azure_conn, 6), (misc_url, 18), (webhooks, 12), (lookalike, 10), (code_password, 30), (variants, 40),
]

# ------------------------------------------------------------------ hard negatives
LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna "
         "aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.")


def negatives() -> list[str]:
    out = []
    for _ in range(6):
        out.append(f"Commit {rs(HEX, 40)} casse la CI, le précédent ({rs(HEX, 7)}) passait. Peux-tu m'aider à bisecter ?")
        out.append(f"sha256sum dist/app.tar.gz\n{rs(HEX, 64)}  dist/app.tar.gz\nLe checksum ne correspond pas à celui publié, normal ?")
        out.append(f"Request {uuid4()} failed with status 502 at 10:42, trace id {rs(HEX, 32)}. What does upstream timeout mean?")
        out.append(f"<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{rs(B64, 300)}==\"/> pourquoi l'image ne s'affiche pas ?")
        out.append(f"{LOREM} Order #{rng.randint(10**6, 10**7)} — customer cus_{rs(AN, 14)}, payment pi_{rs(AN, 24)}.")
        out.append(f"docker pull registry.acme.fr/api@sha256:{rs(HEX, 64)} fails with manifest unknown")
    out += [
        "Le mot de passe doit contenir au moins 12 caractères, une majuscule et un chiffre. Comment l'imposer dans Keycloak ?",
        "Mon mot de passe est incorrect d'après le portail, alors que je viens de le changer. Que faire ?",
        "Write a password policy for our SMEs: passwords must be 14 characters, rotated yearly, never shared by e-mail.",
        "How do I reset my password on GitLab if 2FA is enabled?",
        "J'ai oublié mon mot de passe Windows, comment le réinitialiser sans perdre mes fichiers ?",
        "The password is stored hashed with bcrypt; how many rounds should we use?",
        "```python\npassword = os.environ[\"DB_PASSWORD\"]\napi_key = os.getenv(\"OPENAI_API_KEY\")\nclient = OpenAI(api_key=api_key)\n```",
        "```js\nconst token = process.env.GITHUB_TOKEN;\nconst headers = { Authorization: `Bearer ${token}` };\n```",
        "```yaml\nenv:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-secrets\n        key: password\n```",
        "```hcl\nresource \"aws_db_instance\" \"main\" {\n  username = \"admin\"\n  password = var.db_password\n}\n```",
        "OPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=<your key here>\nMISTRAL_API_KEY=${MISTRAL_API_KEY}",
        "AWS example from the docs: aws_access_key_id = AKIAIOSFODNN7EXAMPLE, aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "Stripe docs use sk_test_4eC39HqLyjWDarjtT1zdp7dc in every sample, is it safe to commit?",
        "GitHub personal access tokens start with ghp_ and fine-grained ones with github_pat_; how do I rotate them?",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.fr/v1/me",
        "curl -H 'Authorization: Bearer <ACCESS_TOKEN>' https://api.example.com/items",
        "DATABASE_URL=postgresql://user:password@localhost:5432/mydb",
        "DATABASE_URL=postgres://${DB_USER}:${DB_PASS}@${DB_HOST}:5432/app",
        "```python\nclass User(BaseModel):\n    email: str\n    password: SecretStr\n    api_token: Optional[str] = None\n```",
        "```ts\ninterface LoginForm { username: string; password: string; remember: boolean }\n```",
        "```python\ndef login(user, password):\n    if not check_password(password, user.password_hash):\n        raise Unauthorized()\n    token = create_token(user.id)\n    return token\n```",
        "max_tokens = 4096, temperature = 0.2, top_p = 0.9 — quels réglages pour du résumé ?",
        "Le token JWT expire au bout de 15 minutes ; comment gérer le refresh token côté front ?",
        "Explain the difference between an API key, an OAuth access token and a session cookie.",
        "Dans Vault, les tokens commencent par hvs. ; comment définir un TTL par défaut ?",
        "Field 'password' is required. Field 'token' must be a string. Field 'secret' is deprecated.",
        "password: ********\ntoken: [REDACTED]\napi_key: <hidden>",
        "mot de passe : <à renseigner>  — identifiant : prenom.nom",
        "Pour la démo, utilise le compte demo / demo, ce n'est pas un vrai compte.",
        "UUIDs: 3f2b8c1e-9d4a-4e7b-8c2f-1a6d5e9b0c3d, 9a7e6d5c-4b3a-4f2e-9d1c-0b8a7f6e5d4c — which version are these?",
        "The build id is 20261122.4 and the artifact hash is d41d8cd98f00b204e9800998ecf8427e.",
        "token_count: 1523, prompt_tokens: 1200, completion_tokens: 323",
        "SELECT id, email, password_hash FROM users WHERE last_login < now() - interval '90 days';",
        "Mets à jour la doc : « le secret est stocké dans Azure Key Vault, jamais dans le code ».",
        "Publishable key pk_live_" + rs(AN, 24) + " goes in the front-end, right?",
        "Le client ID Google est 1234567890-" + rs(L + D, 32) + ".apps.googleusercontent.com, où le mettre ?",
        "L'ID de l'instance est i-" + rs(HEX, 17) + " et le groupe sg-" + rs(HEX, 17) + ".",
        "Our Slack channel is C0" + rs(U + D, 9) + " and the workspace T0" + rs(U + D, 8) + ".",
        "git log --oneline\n" + "\n".join(f"{rs(HEX, 7)} {m}" for m in ["fix login", "add token refresh", "bump deps", "password reset flow"]),
        "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fui - Not found\nnpm ERR! need auth This command requires you to be logged in.",
        "In `.npmrc` I have `//registry.npmjs.org/:_authToken=${NPM_TOKEN}`, but CI still says 401.",
        "jwt.decode(token, options={\"verify_signature\": False}) — is that safe for reading the exp claim?",
        "PuTTY-User-Key-File-3: ssh-ed25519 — what does this header mean in a .ppk file?",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + rs(B64, 52) + "==\n-----END PUBLIC KEY-----\nIs this key P-256?",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rs(B64, 43) + " jdupont@laptop — où mettre cette clé publique ?",
        "Les identifiants sont dans le coffre 1Password « Prod », demande à Julie.",
        "Quelle est la différence entre secret_key_base et secret_token dans Rails ?",
        "Regex pour détecter une clé AWS : AKIA[0-9A-Z]{16} — est-ce suffisant ?",
    ]
    for _ in range(4):
        out += [
            f"Anthropic renvoie msg_01{rs(AN, 22)} et req_011{rs(AN, 21)} ; OpenAI renvoie chatcmpl-{rs(AN, 29)}. Lequel logger ?",
            f"<script src=\"https://cdn.acme.fr/app.js\" integrity=\"sha384-{rs(B64, 64)}\" crossorigin=\"anonymous\"></script>",
            f"\"node_modules/lodash\": {{\"version\": \"4.17.21\", \"integrity\": \"sha512-{rs(B64, 86)}==\"}}",
            f"Le fichier est ici : https://drive.google.com/file/d/1{rs(B64U, 32)}/view?usp=sharing",
            f"https://www.youtube.com/watch?v={rs(B64U, 11)} et https://cdn.acme.fr/uploads/{rs(AN, 32)}.pdf",
            f"{{\"event\": \"upload\", \"data\": \"{rs(B64, 200)}\", \"checksum\": \"{rs(HEX, 64)}\"}}",
            f"Content-Security-Policy: script-src 'self' 'nonce-{rs(B64, 24)}' 'sha256-{rs(B64, 43)}='",
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  uid: {uuid4()}\n  resourceVersion: \"{rng.randint(10**6, 10**7)}\"",
            "-----BEGIN CERTIFICATE-----\n" + "\n".join(rs(B64, 64) for _ in range(8)) + "\n-----END CERTIFICATE-----\nCe certificat est-il expiré ?",
            f"Le token est expiré depuis hier, comment le régénérer ? (erreur {rng.randint(400, 499)})",
            f"The secret to a good sourdough is patience; starter ratio {rng.randint(1, 5)}:1:1.",
            "password = \"${{ secrets.DB_PASSWORD }}\"\napi_key: \"{{ .Values.apiKey }}\"\ntoken: !vault |\n  $ANSIBLE_VAULT;1.1;AES256",
            "SECRET_KEY = get_random_secret_key()\nsecret_key = settings.SECRET_KEY\ntoken = jwt.encode(payload, secret_key, algorithm='HS256')",
            f"Suivi colis : 6A{rng.randint(10**10, 10**11)}, facture F-2026-{rng.randint(1000, 9999)}, réf. client CL{rs(U + D, 10)}",
            f"color: #{rs(HEX, 6)}; background: url(/img/{rs(HEX, 32)}.webp);",
            f"mon mot de passe fait {rng.randint(8, 20)} caractères, est-ce que c'est assez ?",
            f"Password reset link: https://app.acme.fr/reset?uid={rng.randint(100, 999)}&ts={rng.randint(10**9, 2 * 10**9)} (expired)",
        ]
    for _ in range(12):
        out.append(rng.choice([
            f"Résume ce texte : {LOREM}",
            f"Traduire en anglais : « Le rapport trimestriel montre une hausse de {rng.randint(2, 30)} % du chiffre d'affaires. »",
            f"Quelle est la complexité de cet algorithme ?\n```python\ndef f(xs):\n    return sorted(set(xs))[:{rng.randint(2, 9)}]\n```",
            f"Fix this SQL: SELECT * FROM orders WHERE id = {rng.randint(1, 99999)} AND status = 'paid' ORDER BY created_at",
            f"Write unit tests for a function that validates IBAN checksums. Ticket JIRA-{rng.randint(100, 9999)}.",
            f"Génère un README pour le projet {rng.choice(['facturation', 'crm', 'intranet'])} avec installation et tests.",
        ]))
    return out


def main() -> None:
    items: list[dict[str, object]] = []
    n = 0
    for fn, count in POSITIVE:
        for _ in range(count):
            b = Builder()
            fn(b)
            items.append({"id": f"pos-{fn.__name__}-{n:04d}", "text": b.text(), "labels": b.labels})
            n += 1
    for i, t in enumerate(negatives()):
        items.append({"id": f"neg-{i:04d}", "text": t, "labels": []})
    rng.shuffle(items)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    labels = [lab for it in items for lab in it["labels"]]  # type: ignore[attr-defined]
    fams = {lab["family"] for lab in labels}
    print(f"{len(items)} prompts, {len(labels)} planted secrets, {len(fams)} families -> {OUT}")


if __name__ == "__main__":
    main()
