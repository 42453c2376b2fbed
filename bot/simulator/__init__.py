"""The simulator: a chat page that plays reporters and conveners against the running bot through the
real `/wechat` endpoint, with a fake of WeChat's API in the same process (`[simulator] enabled`)."""
