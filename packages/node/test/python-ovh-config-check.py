"""
Runs the rows of configScenarios.ts through python-ovh itself and reports every row whose
`python` column differs from what python-ovh's Client ends up with.

    pip install ovh==1.2.0
    node packages/node/test/configScenarios.ts | python3 packages/node/test/python-ovh-config-check.py

Each row gets its own temporary directory; the files go where python-ovh looks for them by
patching ovh.config.CONFIG_PATH (as python-ovh's own tests do), the OVH_* variables go in
os.environ, the code arguments to ovh.Client.
"""
import configparser
import json
import os
import sys
import tempfile

import ovh
import ovh.client
import ovh.config
from ovh.exceptions import InvalidConfiguration, InvalidRegion


def outcome(row, root):
    paths = {}
    for name in ("etc", "home", "cwd", "explicit"):
        path = os.path.join(root, name + ".conf")
        paths[name] = path
        text = row.get("files", {}).get(name)
        if text is not None:
            with open(path, "w") as f:
                f.write(text)
    ovh.config.CONFIG_PATH = [paths["etc"], paths["home"], paths["cwd"]]
    for name in [n for n in os.environ if n.startswith("OVH_")]:
        del os.environ[name]
    os.environ.update(row.get("env", {}))
    kwargs = dict(row.get("code", {}))
    if "explicit" in row.get("files", {}):
        kwargs["config_file"] = paths["explicit"]
    try:
        client = ovh.Client(**kwargs)
    except InvalidRegion:
        return {"error": "endpoint"}
    except InvalidConfiguration:
        return {"error": "configuration"}
    except configparser.Error:
        return {"error": "file"}
    endpoint = next(name for name, url in ovh.client.ENDPOINTS.items() if url == client._endpoint)
    if client._client_id:
        return {"endpoint": endpoint, "auth": "OAuth2", "client_id": client._client_id, "client_secret": client._client_secret}
    result = {
        "endpoint": endpoint,
        "auth": "ApplicationKey",
        "application_key": client._application_key,
        "application_secret": client._application_secret,
    }
    if client._consumer_key is not None:
        result["consumer_key"] = client._consumer_key
    return result


rows = json.load(sys.stdin)
differ = 0
for row in rows:
    with tempfile.TemporaryDirectory() as root:
        got = outcome(row, root)
    if got != row["python"]:
        differ += 1
        print(f"DIFFERS {row['name']}: python-ovh gives {got}, the row says {row['python']}")
print(f"{len(rows)} rows, {len(rows) - differ} as python-ovh does")
sys.exit(1 if differ else 0)
