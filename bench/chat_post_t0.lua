-- wrk script for the cache-hit row: the same request at temperature 0, which the response cache keeps.
-- Target-specific headers come from wrk's -H flags.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench-model","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello, how are you?"}],"max_tokens":32,"temperature":0}'
