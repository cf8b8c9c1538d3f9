"""A modern ClickHouse engine (chdb, in-process) behind a JSON-lines pipe, for checking the SQL
Flowlens generates for modern servers against today's dialect.

Requests on stdin, one JSON object per line: {"id": …, "op": "rows"|"lines"|"command", "sql": …,
"params": {…}}. String parameters come as they are and are escaped here as HTTP clients send
`param_<name>`: the server reads parameter values in the Escaped text format, so an unescaped
backslash or tab would change or break the value. Answers on stdout: {"id": …, "rows": [...]} |
{"id": …, "lines": [...]} | {"id": …, "ok": true} | {"id": …, "error": "…"}. The data lives in a
session folder (argv[1])."""
import json
import sys

from chdb import session

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(value):
    """A parameter value in the Escaped format (as @clickhouse/client sends it); numbers as they are."""
    if not isinstance(value, str):
        return value
    return "".join(_ESCAPES.get(ch, ch) for ch in value)


def main() -> None:
    sess = session.Session(sys.argv[1])
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        out = {"id": req["id"]}
        try:
            params = {k: escaped(v) for k, v in (req.get("params") or {}).items()}
            if req["op"] == "rows":
                res = sess.query(req["sql"], "JSONEachRow", params=params)
                text = res.bytes().decode("utf-8")
                out["rows"] = [json.loads(x) for x in text.split("\n") if x]
            elif req["op"] == "lines":
                res = sess.query(req["sql"], "TabSeparated", params=params)
                text = res.bytes().decode("utf-8")
                out["lines"] = text.split("\n")[:-1] if text else []
            else:
                sess.query(req["sql"], params=params)
                out["ok"] = True
        except Exception as exc:  # the error text goes back to the test
            out["error"] = str(exc)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
