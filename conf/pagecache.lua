-- lighttpd (mod_magnet): answer a store page from the page cache without
-- waking a worker (doc/page-cache.md). A GET or HEAD without a query
-- string whose file CACHE/HOST/PATH/index.html exists is sent as it is
-- (its .gz to a client that takes gzip), with an ETag and 304 from the
-- file's identity; anything else goes on to storefront.fcgi as before.
-- A shopper who chose a currency (cookie sf_currency) is not sent this
-- copy in the shop's currency: the workers answer theirs (index.cur-EUR.html).
-- CACHE is $SF_PAGE_CACHE in lighttpd's environment, else
-- /var/cache/storefront/pages (page_cache_dir in storefront.conf).
local r = lighty.r
local attr = r.req_attr
local m = attr["request.method"]
if m ~= "GET" and m ~= "HEAD" then return 0 end
local q = attr["uri.query"]
if q ~= nil and q ~= "" then return 0 end
-- a shopper who chose another currency gets its copy from the worker
local ck = r.req_header["Cookie"]
if ck ~= nil and (";" .. ck):find("[;%s]sf_currency=%u") then return 0 end
local path = attr["uri.path"]
if path == nil or not path:match("^/[A-Za-z0-9._~/-]*$") or path:find("/%.") or path:find("//") then return 0 end
if path ~= "/" and path:sub(-1) == "/" then return 0 end
local host = attr["uri.authority"]
if host == nil then return 0 end
host = host:lower():gsub(":%d+$", ""):gsub("%.$", "")
if not host:match("^[a-z0-9][a-z0-9.-]*$") then return 0 end

local dir = os.getenv("SF_PAGE_CACHE") or "/var/cache/storefront/pages"
local file = dir .. "/" .. host .. (path == "/" and "" or path) .. "/index.html"
local st = lighty.c.stat(file)
if st == nil or not st.is_file then return 0 end

local send, enc = file, nil
local ae = r.req_header["Accept-Encoding"]
if ae ~= nil and ae:find("gzip") then
  local gz = lighty.c.stat(file .. ".gz")
  if gz ~= nil and gz.is_file then send, st, enc = file .. ".gz", gz, "gzip" end
end
local h = r.resp_header
local etag = st["etag"]
h["Content-Type"] = "text/html; charset=utf-8"
h["Vary"] = "Accept-Encoding"
h["Cache-Control"] = "public, max-age=0, s-maxage=300, stale-while-revalidate=30"
h["Content-Security-Policy"] = "frame-ancestors 'self'"
h["Referrer-Policy"] = "strict-origin-when-cross-origin"
h["X-Cache"] = "HIT-SERVER"
if etag ~= nil then
  h["ETag"] = etag
  local inm = r.req_header["If-None-Match"]
  if inm ~= nil and inm:find(etag, 1, true) then return 304 end
end
if enc then h["Content-Encoding"] = enc end
r.resp_body.set({ { filename = send } })
return 200
