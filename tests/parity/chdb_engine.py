"""A modern ClickHouse engine (chdb, in-process) behind a JSON-lines pipe, for checking the SQL
Flowlens generates for modern servers against today's dialect.

Requests on stdin, one JSON object per line: {"id": …, "op": "rows"|"lines"|"command", "sql": …,
"params": {…}}. Answers on stdout: {"id": …, "rows": [...]} | {"id": …, "lines": [...]} |
{"id": …, "ok": true} | {"id": …, "error": "…"}. The data lives in a session folder (argv[1])."""
import json
import sys

from chdb import session


def main() -> None:
    sess = session.Session(sys.argv[1])
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        out = {"id": req["id"]}
        try:
            params = req.get("params") or {}
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
