"""The admin dashboard (`/admin`): what waits, how federation is doing at a glance, and 30 days
of posts, holds, refusals, reports and removals as small charts drawn on the server."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.moderation.breaker import under_attack
from app.moderation.dashboard import daily_activity
from app.store import federation_health
from app.store.moderation import get_moderation_settings, set_under_attack_until
from app.web.admin.auth import ADMIN, MODERATOR, checked_form, requires, text_field
from app.web.admin.render import render_admin
from app.web.admin.texts import SERIES_TITLES
from app.web.charts import Point, bar_chart
from app.web.context import language_of, services_of, translate
from app.web.timefmt import day_label

ALT_SERIES = ("holds", "reports")  # drawn in the second colour, so neighbours differ


@dataclass(frozen=True, slots=True)
class ChartCard:
    name: str
    title: str
    chart: Markup
    total: int
    today: int
    first_day: str
    last_day: str


@requires(MODERATOR)
async def dashboard(request: Request) -> Response:
    db = services_of(request).db
    now = utcnow()
    language = language_of(request)
    cards = []
    for series in await daily_activity(db, now):
        title = translate(request, SERIES_TITLES[series.name])
        points = [Point(d.isoformat(), day_label(d, language), n) for d, n in series.days]
        cards.append(
            ChartCard(
                name=series.name,
                title=title,
                chart=bar_chart(points, title, "alt" if series.name in ALT_SERIES else ""),
                total=series.total,
                today=series.today,
                first_day=day_label(series.days[0][0], language),
                last_day=day_label(series.days[-1][0], language),
            )
        )
    context = {
        "cards": cards,
        "queue": await federation_health.get_queue_state(db, now),
        "unhealthy": len(await federation_health.list_unhealthy_domains(db)),
        "followers": await federation_health.count_followers_by_board(db),
    }
    return render_admin(request, "admin/dashboard.html", context)


@requires(ADMIN)
async def end_breaker(request: Request) -> Response:
    """End the circuit breaker now (it would end on its own at its time)."""
    services = services_of(request)
    form = await checked_form(request)
    settings = await get_moderation_settings(services.db)
    if under_attack(settings, utcnow()):
        await set_under_attack_until(services.db, None)
    back = text_field(form, "back")
    # Only an admin page of ours: never an open redirect.
    target = back if back.startswith("/admin") and "//" not in back else services.urls.admin()
    return RedirectResponse(target, status_code=303)
