#!lua name=motioness
--[[
The Motioness event log on Redis Streams: one atomic call appends a batch of events to the
shard's firehose, each event's project stream and its asset stream, under one id.

Keys of a shard share the hash tag {<shard>}, so one call touches one Cluster slot:
  <prefix>:{<shard>}:firehose            every event of the shard (what edge nodes XREAD)
  <prefix>:{<shard>}:meta                a hash: shards (K, the shard count every caller must use) and
                                         epoch (Redis time in ms at which the shard's history began)
  <prefix>:{<shard>}:project:<project>   the project's activity feed
  <prefix>:{<shard>}:asset:<asset>       one asset's history
  <prefix>:{<shard>}:owner:<asset>       the project that owns the asset (a string)
  <prefix>:{<shard>}:idempotency:<key>   a stored batch's digest and ids, for the idempotency window

FCALL motioness_publish <2+3n | 3+3n> <firehose> <meta> [<idempotency>] <project_1> <asset_1> <owner_1> ...
      <shards> <firehose_maxlen> <project_maxlen> <asset_maxlen> <running_ttl_s> <finished_ttl_s>
      <idempotency_ttl_s> <json_1> ... <json_n>
returns the ids, one per event, in order. All events are checked before anything is written:
an invalid one fails the whole call with "INVALID <index> <field>: <what>" and writes nothing; so
does an event for an asset whose stream already ended ("ENDED <index> <terminal id>: ..."), except
webhook_* events, which go to the firehose and the project's feed only; a caller whose K differs
from the one the shard's meta hash holds gets "SHARDS <stored> <given>: ...".
With an idempotency key (3+3n keys), a call that repeats an earlier one with the same events within
idempotency_ttl_s writes nothing and returns the earlier ids followed by 'replayed'; the same key
with other events gets "REUSED: ...". The check and the write are this one atomic call.

FCALL motioness_init 2 <meta> <firehose> <shards>
creates the shard's meta hash when it is missing and returns what it holds: {shards, epoch}.
]]

local LIBRARY_VERSION = '3'

-- type -> rules for stage, latency_ms, error (r: required, o: optional, f: forbidden), terminal
local TYPES = {
  queued = {'o', 'f', 'f'},
  vision_started = {'o', 'f', 'f'},
  vision_completed = {'o', 'r', 'f'},
  vision_failed = {'o', 'f', 'r'},
  stage_started = {'r', 'f', 'f'},
  stage_completed = {'r', 'r', 'f'},
  stage_failed = {'r', 'f', 'r'},
  retry_scheduled = {'o', 'f', 'o'},
  r2_write_completed = {'o', 'r', 'f'},
  webhook_dispatched = {'o', 'f', 'f'},
  webhook_delivered = {'o', 'o', 'f'},
  webhook_failed = {'o', 'f', 'r'},
  webhook_dead_letter = {'o', 'f', 'o'},
  ready = {'o', 'f', 'f', true},
  failed = {'o', 'f', 'r', true},
  cancelled = {'o', 'f', 'o', true},
}

local FIELDS = {
  type = true, asset_id = true, project_id = true, ts = true, attempt = true, stage = true,
  latency_ms = true, error_code = true, error_msg = true, request_id = true,
}

local MAX_EVENT_BYTES = 16384
local MAX_SAFE_INTEGER = 9007199254740991

local function invalid(index, field, what)
  error('INVALID ' .. index .. ' ' .. field .. ': ' .. what, 0)
end

local function text(event, index, field, max, pattern, allowed)
  local value = event[field]
  if value == nil then
    return nil
  end
  if type(value) ~= 'string' then
    invalid(index, field, 'must be a string')
  end
  if #value == 0 or #value > max then
    invalid(index, field, 'must be 1..' .. max .. ' characters, got ' .. #value)
  end
  if pattern and not string.find(value, pattern) then
    invalid(index, field, 'only ' .. allowed .. ' are allowed')
  end
  return value
end

local function integer(event, index, field, min, max)
  local value = event[field]
  if value == nil then
    return nil
  end
  if type(value) ~= 'number' or value ~= math.floor(value) then
    invalid(index, field, 'must be an integer')
  end
  if value < min or value > max then
    invalid(index, field, string.format('must be in %d..%.0f', min, max))
  end
  return value
end

local function rule(index, field, present, wanted, event_type)
  if wanted == 'r' and not present then
    invalid(index, field, 'required on ' .. event_type)
  elseif wanted == 'f' and present then
    invalid(index, field, 'not allowed on ' .. event_type)
  end
end

-- Decodes and checks one event; returns the table. Mirrors the Java protocol's rules.
local function check(json, index)
  if #json > MAX_EVENT_BYTES then
    invalid(index, 'body', 'event larger than ' .. MAX_EVENT_BYTES .. ' bytes')
  end
  local ok, event = pcall(cjson.decode, json)
  if not ok or type(event) ~= 'table' then
    invalid(index, 'body', 'expected a JSON object')
  end
  for name, value in pairs(event) do
    if type(name) ~= 'string' then
      invalid(index, 'body', 'expected a JSON object')
    end
    if not FIELDS[name] then
      invalid(index, string.sub(name, 1, 64), 'unknown field')
    end
    if value == cjson.null then
      event[name] = nil
    end
  end
  local event_type = event.type
  if event_type == nil then
    invalid(index, 'type', 'required')
  end
  if type(event_type) ~= 'string' then
    invalid(index, 'type', 'must be a string')
  end
  local rules = TYPES[event_type]
  if not rules then
    invalid(index, 'type', 'unknown event type "' .. string.sub(event_type, 1, 64) .. '"')
  end
  local id_chars = '^[%w%._:~%-]+$'
  local code_chars = '^[%w%._:%-]+$'
  for _, field in ipairs({'asset_id', 'project_id'}) do
    if text(event, index, field, 128, id_chars, 'A-Z a-z 0-9 . _ : ~ -') == nil then
      invalid(index, field, 'required')
    end
  end
  if integer(event, index, 'ts', 1, 9223372036854775807) == nil then
    invalid(index, 'ts', 'required')
  end
  if integer(event, index, 'attempt', 1, 1000000) == nil then
    invalid(index, 'attempt', 'required')
  end
  local stage = text(event, index, 'stage', 64, code_chars, 'A-Z a-z 0-9 . _ : -')
  rule(index, 'stage', stage ~= nil, rules[1], event_type)
  local latency = integer(event, index, 'latency_ms', 0, MAX_SAFE_INTEGER)
  rule(index, 'latency_ms', latency ~= nil, rules[2], event_type)
  local code = text(event, index, 'error_code', 64, code_chars, 'A-Z a-z 0-9 . _ : -')
  local msg = text(event, index, 'error_msg', 2048, nil, nil)
  if msg and string.find(msg, '%z') then
    invalid(index, 'error_msg', 'must not contain NUL')
  end
  if code and not msg then
    invalid(index, 'error_msg', 'required when error_code is present')
  end
  if msg and not code then
    invalid(index, 'error_code', 'required when error_msg is present')
  end
  rule(index, 'error_code', code ~= nil, rules[3], event_type)
  if text(event, index, 'request_id', 128, '^[!-~]+$', 'printable ASCII 0x21-0x7E') == nil then
    invalid(index, 'request_id', 'required')
  end
  event.terminal = rules[4] == true
  return event
end

-- zlib's CRC-32 (Java's java.util.zip.CRC32, Python's zlib.crc32): a project's shard is
-- crc32(project_id) mod K. The bit library works on signed 32-bit numbers; the result is made
-- unsigned at the end. It is not there while the library loads, so the table is built on first use.
local crc32_table

local function crc32(s)
  if not crc32_table then
    crc32_table = {}
    for i = 0, 255 do
      local c = i
      for _ = 1, 8 do
        if bit.band(c, 1) == 1 then
          c = bit.bxor(bit.rshift(c, 1), 0xEDB88320)
        else
          c = bit.rshift(c, 1)
        end
      end
      crc32_table[i] = c
    end
  end
  local c = 0xFFFFFFFF
  for i = 1, #s do
    c = bit.bxor(bit.rshift(c, 8), crc32_table[bit.band(bit.bxor(c, string.byte(s, i)), 0xFF)])
  end
  c = bit.bnot(c)
  if c < 0 then
    c = c + 4294967296
  end
  return c
end

local function usage(message)
  error('ERR ' .. message, 0)
end

-- K as the caller gives it: a decimal 1..1024 (what the edge accepts for --redis-shards).
local function shard_count(arg)
  local k = tonumber(arg)
  if not k or k ~= math.floor(k) or k < 1 or k > 1024 or tostring(k) ~= arg then
    usage('shards must be an integer from 1 to 1024, got "' .. string.sub(tostring(arg), 1, 16) .. '"')
  end
  return k
end

-- Redis's clock in milliseconds, as decimal text.
local function now_ms()
  local time = redis.call('TIME')
  return time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
end

-- The shard's meta hash, its fields created when missing: shards, the caller's K; epoch, the Redis
-- time at which this shard's history began, or 0 when its firehose is already there (a log older
-- than its meta hash, history intact). A Redis that lost its data lost this hash too, so the next
-- caller writes a new epoch, and edges learn that the history before it is gone.
local function meta(meta_key, firehose, shards_arg)
  local stored = redis.call('HMGET', meta_key, 'shards', 'epoch')
  local shards, epoch = stored[1], stored[2]
  if not shards then
    shards = shards_arg
    redis.call('HSET', meta_key, 'shards', shards)
  end
  if not epoch then
    epoch = redis.call('EXISTS', firehose) == 1 and '0' or now_ms()
    redis.call('HSET', meta_key, 'epoch', epoch)
  end
  return shards, epoch
end

-- A caller whose K is not the stored one would read and write other shards than everyone else.
local function check_shards(meta_key, shards_arg)
  local stored = redis.call('HGET', meta_key, 'shards')
  if stored and stored ~= shards_arg then
    error('SHARDS ' .. stored .. ' ' .. shards_arg .. ': this log has ' .. stored .. ' shards (' .. meta_key
      .. ' shards), the caller ' .. shards_arg .. '; every edge and producer must use the same K', 0)
  end
end

-- The id of the asset's terminal event when its stream already ended, else nil. A stream ends at
-- its terminal event, so only its newest entry needs a look.
local function stored_terminal(asset_key)
  local newest = redis.call('XREVRANGE', asset_key, '+', '-', 'COUNT', 1)[1]
  if not newest then
    return nil
  end
  local ok, event = pcall(cjson.decode, newest[2][2])
  if ok and type(event) == 'table' and TYPES[event.type] and TYPES[event.type][4] then
    -- As clients see it: a sequence of 0 is not written.
    return (string.gsub(newest[1], '%-0$', ''))
  end
  return nil
end

local function ended(index, asset_id, terminal_id, where)
  error('ENDED ' .. index .. ' ' .. terminal_id .. ': asset ' .. asset_id .. ' ended ' .. where
    .. '; only webhook_* events may follow its terminal event', 0)
end

-- Checks every event of the call and returns them, or raises 'INVALID <index> <field>: <what>'
-- or 'ENDED <index> <terminal id, or - when it is in this call>: <what>'. An event that may follow
-- its asset's terminal event (webhook_*) is marked after_end: it goes to the firehose and the
-- project's feed only, so the asset's stream still ends at its terminal event.
local function prepare(keys, jsons, first_key, base, shard, k)
  local events = {}
  local owners = {}
  local shard_of = {}
  local terminals = {}
  for i = 1, #jsons do
    local event = check(jsons[i], i - 1)
    local key = first_key + 3 * (i - 1)
    local project_key, asset_key, owner_key = keys[key], keys[key + 1], keys[key + 2]
    -- The keys must be the ones this event belongs to: nobody writes into another project.
    if project_key ~= base .. ':project:' .. event.project_id
        or asset_key ~= base .. ':asset:' .. event.asset_id
        or owner_key ~= base .. ':owner:' .. event.asset_id then
      invalid(i - 1, 'project_id', 'keys do not match the event (expected ' .. base .. ':project:'
        .. event.project_id .. ', ' .. base .. ':asset:' .. event.asset_id .. ', '
        .. base .. ':owner:' .. event.asset_id .. ')')
    end
    -- Readers look for a project in shard crc32(project_id) mod K only: anywhere else it is lost.
    local wanted = shard_of[event.project_id] or crc32(event.project_id) % k
    shard_of[event.project_id] = wanted
    if wanted ~= shard then
      invalid(i - 1, 'project_id', 'project ' .. event.project_id .. ' belongs to shard ' .. wanted
        .. ' of ' .. k .. ' (crc32 mod K), the keys are of shard ' .. shard)
    end
    local owner = owners[owner_key] or redis.call('GET', owner_key)
    if owner and owner ~= event.project_id then
      invalid(i - 1, 'asset_id', 'belongs to another project')
    end
    owners[owner_key] = event.project_id
    local terminal = terminals[asset_key]
    if terminal == nil then
      -- The owner key and the asset's stream live and expire together: no owner, no stream.
      local id = owner and stored_terminal(asset_key)
      terminal = id and {id = id, where = 'at ' .. id} or false
    end
    if terminal then
      if string.sub(event.type, 1, 8) ~= 'webhook_' then
        ended(i - 1, event.asset_id, terminal.id, terminal.where)
      end
      event.after_end = true
    elseif event.terminal then
      terminal = {id = '-', where = 'at index ' .. (i - 1) .. ' of this batch'}
    end
    terminals[asset_key] = terminal
    events[i] = event
  end
  return events
end

-- Runs fn, turning the refusals it raises (INVALID, ENDED, REUSED, SHARDS, ERR) into error
-- replies; anything else is a bug and stays a script error.
local function refusing(fn, ...)
  local ok, result = pcall(fn, ...)
  if ok then
    return result
  end
  if type(result) == 'string' and (string.find(result, '^INVALID ') or string.find(result, '^ENDED ')
      or string.find(result, '^REUSED:') or string.find(result, '^SHARDS ') or string.find(result, '^ERR ')) then
    return redis.error_reply(result)
  end
  error(result)
end

-- The shard's key base '<prefix>:{<shard>}' and shard number, from its firehose key.
local function shard_of_firehose(firehose)
  local base = string.match(firehose, '^(.*):firehose$')
  local shard = base and tonumber(string.match(base, '{(%d+)}$'))
  if not shard then
    usage('the first key must be <prefix>:{<shard>}:firehose')
  end
  return base, shard
end

-- The earlier answer to a call with this idempotency key and the same events (its ids, then
-- 'replayed'), or nil when the key is free; the same key with other events is refused.
local function replay(idempotency_key, digest, key_name)
  local stored = redis.call('GET', idempotency_key)
  if not stored then
    return nil
  end
  if string.sub(stored, 1, 40) ~= digest then
    error('REUSED: Idempotency-Key ' .. key_name .. ' was used for a different batch within the idempotency window', 0)
  end
  local ids = {}
  for id in string.gmatch(string.sub(stored, 42), '%S+') do
    ids[#ids + 1] = id
  end
  ids[#ids + 1] = 'replayed'
  return ids
end

local function publish(keys, args)
  -- 2 + 3n keys, or 3 + 3n with an idempotency key third: the two counts never meet (mod 3).
  local first = #keys % 3 == 0 and 4 or 3
  local n = (#keys - first + 1) / 3
  if n < 1 or n ~= math.floor(n) or #args ~= 7 + n then
    usage('usage: FCALL motioness_publish <2+3n or 3+3n> firehose meta [idempotency] (project asset owner)... '
      .. 'shards firehose_maxlen project_maxlen asset_maxlen running_ttl_s finished_ttl_s idempotency_ttl_s json...')
  end
  local firehose, meta_key = keys[1], keys[2]
  local base, shard = shard_of_firehose(firehose)
  if meta_key ~= base .. ':meta' then
    usage('the second key must be ' .. base .. ':meta')
  end
  local k = shard_count(args[1])
  if shard >= k then
    usage('the keys are of shard ' .. shard .. ', which does not exist with ' .. k .. ' shards')
  end
  check_shards(meta_key, args[1])
  local firehose_maxlen, project_maxlen, asset_maxlen = args[2], args[3], args[4]
  local running_ttl, finished_ttl = tonumber(args[5]), tonumber(args[6])
  local idempotency_ttl = tonumber(args[7])
  local jsons = {}
  for i = 1, n do
    jsons[i] = args[7 + i]
  end

  local idempotency_key, digest
  if first == 4 then
    idempotency_key = keys[3]
    local prefix = base .. ':idempotency:'
    local name = string.sub(idempotency_key, #prefix + 1)
    if string.sub(idempotency_key, 1, #prefix) ~= prefix or #name < 1 or #name > 255
        or not string.find(name, '^[!-~]+$') then
      usage('the third key must be ' .. prefix .. '<key>, the key 1..255 printable ASCII characters')
    end
    if not idempotency_ttl or idempotency_ttl < 1 or idempotency_ttl ~= math.floor(idempotency_ttl) then
      usage('idempotency_ttl_s must be a whole number of seconds, at least 1')
    end
    -- The events as stored: a retry of the same batch has the same digest, whatever key order or
    -- spacing the producer's JSON library chose the first time is what it chooses again.
    digest = redis.sha1hex(table.concat(jsons, '\n'))
    local earlier = replay(idempotency_key, digest, name)
    if earlier then
      return earlier
    end
  end

  -- Check everything first: a batch is written whole or not at all.
  local events = prepare(keys, jsons, first, base, shard, k)
  meta(meta_key, firehose, args[1])

  local ids = {}
  for i = 1, n do
    local event, json = events[i], jsons[i]
    local key = first + 3 * (i - 1)
    local project_key, asset_key, owner_key = keys[key], keys[key + 1], keys[key + 2]
    local id = redis.call('XADD', firehose, 'MAXLEN', '~', firehose_maxlen, '*', 'e', json)
    redis.call('XADD', project_key, 'MAXLEN', '~', project_maxlen, id, 'e', json)
    -- After the terminal event the asset's stream and lifetime stay as they are.
    if not event.after_end then
      redis.call('XADD', asset_key, 'MAXLEN', '~', asset_maxlen, id, 'e', json)
      -- A running asset lives as long as it keeps emitting; a finished one for the finished TTL.
      local ttl = event.terminal and finished_ttl or running_ttl
      redis.call('SET', owner_key, event.project_id, 'EX', ttl)
      redis.call('EXPIRE', asset_key, ttl)
    end
    ids[i] = id
  end
  if idempotency_key then
    redis.call('SET', idempotency_key, digest .. ' ' .. table.concat(ids, ' '), 'EX', idempotency_ttl)
  end
  return ids
end

local function init(keys, args)
  if #keys ~= 2 or #args ~= 1 then
    usage('usage: FCALL motioness_init 2 meta firehose shards')
  end
  local meta_key, firehose = keys[1], keys[2]
  local base = shard_of_firehose(firehose)
  if meta_key ~= base .. ':meta' then
    usage('the first key must be ' .. base .. ':meta')
  end
  shard_count(args[1])
  local shards, epoch = meta(meta_key, firehose, args[1])
  return {shards, epoch}
end

redis.register_function('motioness_publish', function(keys, args) return refusing(publish, keys, args) end)
redis.register_function('motioness_init', function(keys, args) return refusing(init, keys, args) end)
redis.register_function{
  function_name = 'motioness_version',
  callback = function() return LIBRARY_VERSION end,
  flags = {'no-writes'},
}
