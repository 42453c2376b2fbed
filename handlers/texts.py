"""Every sentence louwu says to people, in one place, so wording is reviewed and changed together."""

from zoneinfo import ZoneInfo

WELCOME = (
    "欢迎关注楼务会！这里可以直接反映楼里的大小事：食堂、电梯、空调、卫生、停车……\n"
    "先告诉我们您在哪栋楼：扫描大堂的楼宇二维码，或回复「绑定 楼宇名」，例如「绑定 凯迪克大厦」。\n"
    "之后直接发文字、语音或图片说明问题即可。"
)
WELCOME_BOUND = "欢迎关注楼务会！您已绑定「{building}」。有什么问题，直接发文字或语音告诉我们。"
FILED = "已收到您的反映，编号 #{number}（{category}）。{next_step}回复「进度 {number}」可随时查看办理情况。"
FILED_URGENT = (
    "已收到，编号 #{number}（{category}），已标记为紧急并立即通知楼务会。{next_step}"
    "回复「进度 {number}」可查看办理情况。"
)
# Before anything else in the reply to a message with words of immediate danger.
EMERGENCY_FIRST = "如有人身危险，请先拨打 {numbers}。{duty}\n"
EMERGENCY_DUTY = "「{building}」值班电话 {phone}。"
NEXT_STEP_BOUND = "我们已转给「{building}」楼务会，{hours} 小时内受理。"
NEXT_STEP_UNBOUND = "您还没有绑定楼宇，请回复「绑定 楼宇名」，我们好转给对应的楼务会。"
NEXT_STEP_OTHER = "楼务会召集人会人工分派。"
EMPTY_TEXT = "没有收到文字内容。请直接描述遇到的问题，例如「电梯又坏了」。"
UNSUPPORTED = "暂时无法处理这类消息。请用文字、语音或图片告诉我们遇到的问题。"
VOICE_UNRECOGNISED = "语音已保存，但没有识别出文字。请用文字说一下遇到了什么问题，我们好登记。"
MEDIA_ATTACHED = "已将{what}附在您的反映 #{number} 上。"
MEDIA_NO_ISSUE = "已收到{what}。请再用一句话说明遇到了什么问题，我们好登记。"
ERROR = "抱歉，系统开小差了，您的消息已保存，我们会尽快处理。"
TOO_FAST = (
    "您这一分钟发了很多条，消息都已保存；后面几条先不登记为新问题。请稍等一分钟再发，或把要说的合成一条。"
)
BIND_USAGE = "请回复「绑定 楼宇名」，例如「绑定 凯迪克大厦」。可选楼宇：{choices}"
BOUND = "已绑定「{building}」。有什么问题，直接发文字或语音告诉我们。"
BIND_NOT_FOUND = "没有找到「{query}」。可选楼宇：{choices}"
BIND_AMBIGUOUS = "「{query}」对应多栋楼宇：{choices}。请回复完整的楼宇名，例如「绑定 {example}」。"

# -- issues as people see them ------------------------------------------------------------------------
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
STATUS_NAMES = {
    "new": "待受理",
    "accepted": "已受理",
    "in_progress": "办理中",
    "resolved": "已办结",
    "closed": "已评价",
    "rejected": "不予受理",
    "withdrawn": "已撤回",
    "merged": "已合并",
}
ROLE_NAMES = {
    "reporter": "上班族",
    "convener": "楼务会召集人",
    "member": "楼务会成员",
    "grid_leader": "网格长",
    "service_team": "首席服务团队",
    "admin": "管理员",
}
EVENT_NAMES = {
    "created": "提交反映",
    "routed": "转交",
    "supported": "附议",
    "accepted": "受理",
    "progress": "进展",
    "resolved": "办结",
    "transferred": "转派",
    "escalated": "上报",
    "rejected": "驳回",
    "withdrawn": "撤回",
    "rated": "评价",
    "reopened": "重新办理",
    "overdue": "超时预警",
    "attachment": "补充材料",
    "building": "确定楼宇",
    "due": "预计办结日期调整",
    "merged": "合并",
    "split": "拆分",
    "unsupported": "另报",
    "recategorised": "改类",
}
RATINGS = {1: "满意", 2: "基本满意", 3: "不满意"}

SUPPORTED = (
    "您反映的问题已有人提出：#{number}（{category}），现已有 {count} 人反映。您已附议，办理进展会同步通知您。"
    "如果不是同一件事，{minutes} 分钟内回复 0 另报，单独登记。"
)
UNDO_NONE = "没有可以另报的附议。如有新问题，直接发送描述即可。"
UNDO_LATE = (
    "您并入 #{number} 已超过 {minutes} 分钟，不能再另报。如确是不同的问题，请告诉楼务会召集人，由其拆分。"
)
UNDO_DONE = "已从 #{number} 撤出，单独登记为 #{new}（{category}）。{next_step}"
SPLIT_CLOSED = "#{number} 当前状态为「{status}」，不能拆分。"
SPLIT_UNKNOWN = "#{number} 没有这条附议内容。回复「拆分 {number}」查看可拆分的附议。"
SPLIT_LIST_HEAD = "#{number} 的附议（回复「拆分 {number} 序号」把其中一条单独登记）："
SPLIT_LIST_LINE = "{index}. {time} {text}"
SPLIT_NONE = "#{number} 没有带内容的附议可以拆分（按编号附议的没有单独内容）。"
SPLIT_DONE = "已从 #{number} 拆出 #{new}（{category}），已通知该反映人。"
SPLIT_TOLD = "您的反映已从 #{number} 拆出，单独登记为 #{new}，将单独办理。回复「进度 {new}」可查看。"
RECATEGORISE_USAGE = "改类格式：改类 编号 类别，例如「改类 12 物业设施」。类别：{choices}"
RECATEGORISED = "#{number} 已由「{was}」改为「{category}」，并记为分类的标注样例。"
RECATEGORISED_ROUTED = "#{number} 已由「{was}」改为「{category}」，改由 {target} 办理，并记为分类的标注样例。"
RECATEGORISED_SAME = "#{number} 已是「{category}」。"
RECATEGORISED_TOLD = "已改为「{category}」，改由 {target} 办理"
MERGE_USAGE = "合并格式：合并 保留的编号 并入的编号，例如「合并 12 15」把 #15 并入 #12。"
MERGE_SAME = "#{number} 不能并入自己。"
MERGE_CLOSED = "#{number} 当前状态为「{status}」，不能合并。"
MERGE_DONE = (
    "已将 #{other} 并入 #{number}：{moved} 人成为 #{number} 的附议人，#{other} 已关闭并指向 #{number}。"
)
MERGED_TOLD = "您关注的 #{number} 与 #{into}（{title}）是同一问题，已并入 #{into} 一并办理，之后的进展按 #{into} 通知您。"
SUPPORT_ADDED = "已附议 #{number}，现已有 {count} 人反映。办理进展会同步通知您。"
SUPPORT_ALREADY = "您已在 #{number} 上，共 {count} 人反映。"
SUPPORT_CLOSED = "#{number} 当前状态为「{status}」，不能再附议。如问题仍在，请直接发送描述，我们会重新登记。"
NOT_FOUND = "没有找到编号 #{number} 的反映，请核对编号。"
NUMBER_MISSING = "请带上编号，例如「{word} 12」。"
NOTE_MISSING = "请写明说明，例如「{word} 12 {example}」。"

MY_ISSUES_NONE = "您目前没有办理中的反映。直接发送文字或语音即可反映问题。"
MY_ISSUES_HEAD = "您的反映："
MY_ISSUES_LINE = "#{number} {status} · {category} · {title}"
MY_ISSUES_TAIL = "回复「进度 编号」查看详情。"
TIMELINE_HEAD = "#{number}（{category}，{building}）当前：{status}，{count} 人反映\n{text}"
TIMELINE_LINE = "{time} {what}{note}"
NOT_YOURS = "#{number} 不是您提出或附议的反映。"

WITHDRAWN = "已撤回 #{number}。"
NOT_REPORTER = "只有 #{number} 的提出人可以撤回。"
RATE_ASK = "请为 #{number} 的办理结果评价：回复 1 满意、2 基本满意、3 不满意。"
RATED = "感谢评价！#{number} 评价为「{rating}」，已结案。"
RATED_REOPEN = "已收到「不满意」。#{number} 重新办理，并已上报上一级网格督办。"
RATED_SUPPORTER = "已记录您对 #{number} 的评价「{rating}」，谢谢。"
DUE_MOVED = "\n预计办结日期由 {was} 改为 {due}（{why}）。"
DUE_NEW = "\n预计 {due} 前办结。"
TIMELINE_DUE = "预计 {due} 前办结"
ILLEGAL = "#{number} 当前状态为「{status}」，不能{verb}。"

NOT_A_MEMBER = "「{word}」是楼务会成员的指令。如需反映问题，直接发送描述即可。"
NOT_RESPONSIBLE = "您不负责 #{number}（{building}），不能{verb}。如有疑问请联系该楼楼务会召集人。"
TODO_NONE = "目前没有待办的反映。"
TODO_HEAD = "待办（{count} 件）："
TODO_LINE = "#{number} {status}{urgent}{overdue} · {building} · {category} · {count}人 · {title}"
DONE = "已{verb} #{number}，已通知提出人和附议人（{count} 人）：{what}"
PROXY_USAGE = "代报格式：代报 楼宇名 反映内容，例如「代报 凯迪克大厦 一楼大堂的自动门坏了」。"
PROXY_BUILDING = "没有找到唯一的楼宇「{query}」。可选楼宇：{choices}"
PROXY_FILED = (
    "已代为登记 #{number}（{category}），已转给「{building}」楼务会。反映人不在公众号上，进展请当面转告。"
)
TRANSFER_REASON_MISSING = (
    "转派要写明对象和理由，对方和反映人都会看到。例如：转派 {number} 物业经理 属于设备维修"
)
TRANSFERRED_TOO_OFTEN = "#{number} 已转派 {times} 次，不再转派：已上报 {target} 督办，并附上经过。"
TRANSFER_UNKNOWN = "没有找到「{target}」。可转派给成员姓名或楼宇名。"
TRANSFERRED = "已将 #{number} 转派给 {target}。"
ESCALATED = "已将 #{number} 上报至 {target}。"
ESCALATE_TOP = "#{number} 已在最高一级，无法再上报。"

ALERT = "【{tag}】#{number} {building} · {category}{urgent}\n{text}\n{count} 人反映。回复「受理 {number}」受理，「待办」查看全部。"
ALERT_HISTORY = "经过："
SPIKE_HEAD = "【未诉先办】{hours} 小时内「{category}」新增 {count} 件反映："
SPIKE_LINE = "#{number} {building} {title}"
SPIKE_TAIL = "可能是同一原因，建议统筹处理。回复「待办」查看全部。"
UPDATE = "您反映的 #{number}（{title}）{what}"
OVERDUE = "【超时预警】#{number} {building} · {category} 已超过{stage}期限（{due}），请尽快处理。"
CHOOSE_BUILDING = "「{query}」对应多栋楼宇，请回复序号：\n{choices}"
BOUND_ROUTED = "已绑定「{building}」，您的反映 {numbers} 已转给楼务会。"
DIGEST_HEAD = "今日您关注的反映有更新："
DIGEST_LINE = "#{number} {status} · {title}：{what}"
TODO_DIGEST_HEAD = "楼务会待办提醒：{count} 件未办结，其中超时 {overdue} 件。"
MENU_REPORT = "请直接发送文字、语音或图片描述遇到的问题，例如「四楼食堂下个月关了，以后去哪吃饭」。"
