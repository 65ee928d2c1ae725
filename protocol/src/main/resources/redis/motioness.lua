#!lua name=motioness
--[[
The Motioness event log on Redis Streams: one atomic call appends a batch of events to the
shard's firehose, each event's project stream and its asset stream, under one id.

Keys of a shard share the hash tag {<shard>}, so one call touches one Cluster slot:
  <prefix>:{<shard>}:firehose            every event of the shard (what edge nodes XREAD)
  <prefix>:{<shard>}:project:<project>   the project's activity feed
  <prefix>:{<shard>}:asset:<asset>       one asset's history
  <prefix>:{<shard>}:owner:<asset>       the project that owns the asset (a string)

FCALL motioness_publish <1 + 3n> <firehose> <project_1> <asset_1> <owner_1> ... <project_n> <asset_n> <owner_n>
      <firehose_maxlen> <project_maxlen> <asset_maxlen> <running_ttl_s> <finished_ttl_s> <json_1> ... <json_n>
returns the ids, one per event, in order. All events are checked before anything is written:
an invalid one fails the whole call with "INVALID <index> <field>: <what>" and writes nothing.
]]

local LIBRARY_VERSION = '1'

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
  webhook_delivered = {'o', 'f', 'f'},
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

-- Checks every event of the call and returns them, or raises 'INVALID <index> <field>: <what>'.
local function prepare(keys, args, n, base)
  local events = {}
  local owners = {}
  for i = 1, n do
    local event = check(args[5 + i], i - 1)
    local project_key, asset_key, owner_key = keys[3 * i - 1], keys[3 * i], keys[3 * i + 1]
    -- The keys must be the ones this event belongs to: nobody writes into another project.
    if project_key ~= base .. ':project:' .. event.project_id
        or asset_key ~= base .. ':asset:' .. event.asset_id
        or owner_key ~= base .. ':owner:' .. event.asset_id then
      invalid(i - 1, 'project_id', 'keys do not match the event (expected ' .. base .. ':project:'
        .. event.project_id .. ', ' .. base .. ':asset:' .. event.asset_id .. ', '
        .. base .. ':owner:' .. event.asset_id .. ')')
    end
    local owner = owners[owner_key] or redis.call('GET', owner_key)
    if owner and owner ~= event.project_id then
      invalid(i - 1, 'asset_id', 'belongs to another project')
    end
    owners[owner_key] = event.project_id
    events[i] = event
  end
  return events
end

local function publish(keys, args)
  local n = (#keys - 1) / 3
  if n < 1 or n ~= math.floor(n) or #args ~= 5 + n then
    return redis.error_reply('ERR usage: FCALL motioness_publish <1+3n> firehose (project asset owner)... '
      .. 'firehose_maxlen project_maxlen asset_maxlen running_ttl_s finished_ttl_s json...')
  end
  local firehose = keys[1]
  local base = string.match(firehose, '^(.*):firehose$')
  if not base then
    return redis.error_reply('ERR the first key must be <prefix>:{<shard>}:firehose')
  end
  local firehose_maxlen, project_maxlen, asset_maxlen = args[1], args[2], args[3]
  local running_ttl, finished_ttl = tonumber(args[4]), tonumber(args[5])

  -- Check everything first: a batch is written whole or not at all.
  local ok, events = pcall(prepare, keys, args, n, base)
  if not ok then
    if type(events) == 'string' and string.sub(events, 1, 8) == 'INVALID ' then
      return redis.error_reply(events)
    end
    error(events)
  end

  local ids = {}
  for i = 1, n do
    local event, json = events[i], args[5 + i]
    local project_key, asset_key, owner_key = keys[3 * i - 1], keys[3 * i], keys[3 * i + 1]
    local id = redis.call('XADD', firehose, 'MAXLEN', '~', firehose_maxlen, '*', 'e', json)
    redis.call('XADD', project_key, 'MAXLEN', '~', project_maxlen, id, 'e', json)
    redis.call('XADD', asset_key, 'MAXLEN', '~', asset_maxlen, id, 'e', json)
    -- A running asset lives as long as it keeps emitting; a finished one for the finished TTL.
    local ttl = event.terminal and finished_ttl or running_ttl
    redis.call('SET', owner_key, event.project_id, 'EX', ttl)
    redis.call('EXPIRE', asset_key, ttl)
    ids[i] = id
  end
  return ids
end

redis.register_function('motioness_publish', publish)
redis.register_function{
  function_name = 'motioness_version',
  callback = function() return LIBRARY_VERSION end,
  flags = {'no-writes'},
}
