import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (infra/test/ -> ../..). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const COMPOSE_FILE = join(REPO_ROOT, "docker-compose.yaml");
export const CONNECTOR_JSON = join(REPO_ROOT, "infra", "connect", "s3-sink.json");
export const REGISTER_SCRIPT = join(REPO_ROOT, "infra", "connect", "register.sh");
