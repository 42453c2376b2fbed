"""Every sentence louwu says to people, in one place, so wording is reviewed and changed together."""

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
NEXT_STEP_BOUND = "我们已转给「{building}」楼务会，{hours} 小时内受理。"
NEXT_STEP_UNBOUND = "您还没有绑定楼宇，请回复「绑定 楼宇名」，我们好转给对应的楼务会。"
NEXT_STEP_OTHER = "楼务会召集人会人工分派。"
EMPTY_TEXT = "没有收到文字内容。请直接描述遇到的问题，例如「电梯又坏了」。"
UNSUPPORTED = "暂时无法处理这类消息。请用文字、语音或图片告诉我们遇到的问题。"
VOICE_UNRECOGNISED = "语音没有识别出文字，请改用文字描述，或再说一遍。"
MEDIA_ATTACHED = "已将{what}附在您的反映 #{number} 上。"
MEDIA_NO_ISSUE = "已收到{what}。请再用一句话说明遇到了什么问题，我们好登记。"
ERROR = "抱歉，系统开小差了，您的消息已保存，我们会尽快处理。"
BUSY = "消息太多，请稍候再发。您的消息已保存。"
BIND_USAGE = "请回复「绑定 楼宇名」，例如「绑定 凯迪克大厦」。可选楼宇：{choices}"
BOUND = "已绑定「{building}」。有什么问题，直接发文字或语音告诉我们。"
BIND_NOT_FOUND = "没有找到「{query}」。可选楼宇：{choices}"
BIND_AMBIGUOUS = "「{query}」对应多栋楼宇：{choices}。请回复完整的楼宇名，例如「绑定 {example}」。"
