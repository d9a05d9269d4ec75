-- wrk script: every request is the same small OpenAI chat completion request. Target-specific
-- headers (auth, Portkey's routing headers) come from wrk's -H flags.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench-model","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello, how are you?"}],"max_tokens":32,"temperature":0.2}'
