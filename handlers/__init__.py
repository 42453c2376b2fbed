"""What the bot says and does, framework-neutral: routers of handlers over our own event types."""

from handlers.router import Router


def build_router() -> Router:
    """The root router; the order of areas is the priority list: commands before free text."""
    from handlers import complaints, convener, errors, fallback, media, menu, onboarding, reporter

    root = Router(name="root")
    root.include(
        onboarding.router,  # follow, unfollow, QR scans, 绑定 and its numbered choice
        menu.router,  # menu clicks, mapped onto the commands below
        convener.router,  # 待办 受理 进展 办结 转派 上报 驳回 代报
        reporter.router,  # 进度 附议 撤回, ratings
        media.router,  # voice, images, locations
        complaints.router,  # any other text: after every command area
        fallback.router,  # polite hints for the rest
        errors.router,  # error handlers
    )
    return root
