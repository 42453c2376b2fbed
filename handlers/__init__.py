"""What the bot says and does, framework-neutral: routers of handlers over our own event types."""

from handlers.router import Router


def build_router() -> Router:
    """The root router; the order of areas is the priority list."""
    from handlers import complaints, errors, fallback, media, onboarding

    root = Router(name="root")
    root.include(
        onboarding.router,  # follow, unfollow, QR scans
        media.router,  # voice, images, locations
        complaints.router,  # any other text: after every command area
        fallback.router,  # polite hints for the rest
        errors.router,  # error handlers
    )
    return root
