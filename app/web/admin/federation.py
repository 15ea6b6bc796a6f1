"""Federation health (moderators may look): the delivery queue, servers that fail or are parked
with their last error and next try, who follows our boards by board and by server, and why the
inbox refused or dropped requests. Numbers and domains only: no account is listed."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from app.core.clock import utcnow
from app.fedi.inbox_refusals import DROP_KINDS, DROPPED, REFUSAL_KINDS, REFUSED_KIND
from app.store import daily_counts, federation_health
from app.web.admin.auth import MODERATOR, requires
from app.web.admin.render import render_admin
from app.web.context import services_of

REFUSAL_DAYS = 7
TOP_DOMAINS = 10


@requires(MODERATOR)
async def federation_page(request: Request) -> Response:
    db = services_of(request).db
    now = utcnow()
    since_day = (now - timedelta(days=REFUSAL_DAYS - 1)).date().isoformat()
    refused = await daily_counts.sum_counters_by_name(db, REFUSED_KIND, since_day)
    dropped = await daily_counts.sum_counters_by_name(db, DROPPED, since_day)
    context = {
        "queue": await federation_health.get_queue_state(db, now),
        "domains": await federation_health.list_unhealthy_domains(db),
        "by_board": await federation_health.count_followers_by_board(db),
        "by_domain": await federation_health.count_followers_by_domain(db, TOP_DOMAINS),
        "refusals": [(kind, refused.get(kind, 0)) for kind in REFUSAL_KINDS],
        "drops": [(kind, dropped.get(kind, 0)) for kind in DROP_KINDS],
        "refusal_days": REFUSAL_DAYS,
    }
    return render_admin(request, "admin/federation.html", context)
