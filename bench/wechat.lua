-- wrk script: POST /wechat with a unique, signed plaintext complaint per request.
-- louwu accepts a signature for one body only (a replay guard), and Lua has no SHA-1 here, so the
-- bench signs a file of (timestamp, nonce, signature) lines and each request takes the next one.
local ts, paths, tag
local counter = 0
local complaints = {
  "四楼食堂下个月就关了，九百多人以后去哪吃饭？",
  "门口共享单车堆成山了，早上根本进不去大门",
  "电梯又坏了，等了二十分钟才上来，能不能快点修",
  "楼道里有人给电动车充电，太危险了，万一起火怎么办",
  "三楼男厕所好臭，保洁好几天没来打扫了",
  "AC不製冷，辦公室熱死了，物業說在修也沒下文",
  "公司想申请人才补贴，不知道找谁办，窗口说材料不对",
  "隔壁工地半夜还在施工，吵得加班的人没法休息",
}

function init(args)
  -- args[1]: the file of signed query strings; args[2]: the timestamp they carry;
  -- args[3]: a run number, so MsgIds of different runs never collide.
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  ts, tag = args[2], args[3] or "1"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/xml"
end

function request()
  counter = counter + 1
  local text = complaints[(counter % #complaints) + 1] .. " (" .. counter .. ")"
  local body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
    .. "<FromUserName><![CDATA[o_bench_" .. tag .. "_" .. (counter % 100000) .. "]]></FromUserName>"
    .. "<CreateTime>" .. ts .. "</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    .. "<Content><![CDATA[" .. text .. "]]></Content>"
    .. "<MsgId>" .. tag .. string.format("%09d", counter) .. "</MsgId></xml>"
  return wrk.format(nil, paths[(counter % #paths) + 1], nil, body)
end
