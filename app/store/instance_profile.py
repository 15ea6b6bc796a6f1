"""What the instance says about itself: its about text, its rules and how to reach its admins.
Kept beside the other admin settings (one key per row); shown on /about, in the footer and in
Mastodon's instance API."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.engine import Db
from app.store.moderation import get_setting_value, put_setting_value

ABOUT = "instance_about"
RULES = "instance_rules"
CONTACT = "instance_contact"


@dataclass(frozen=True, slots=True)
class InstanceProfile:
    about: str = ""
    rules: tuple[str, ...] = ()
    contact: str = ""

    @property
    def contact_email(self) -> str:
        """The contact when it is an e-mail address (Mastodon's `email`/`contact.email`)."""
        email = "@" in self.contact and not self.contact.startswith("@") and " " not in self.contact
        return self.contact if email else ""


async def get_instance_profile(db: Db) -> InstanceProfile:
    about = await get_setting_value(db, ABOUT)
    rules = await get_setting_value(db, RULES)
    contact = await get_setting_value(db, CONTACT)
    return InstanceProfile(
        about=about if isinstance(about, str) else "",
        rules=tuple(str(rule) for rule in rules) if isinstance(rules, list) else (),
        contact=contact if isinstance(contact, str) else "",
    )


async def update_instance_profile(db: Db, profile: InstanceProfile) -> None:
    async with db.transaction():
        await put_setting_value(db, ABOUT, profile.about)
        await put_setting_value(db, RULES, list(profile.rules))
        await put_setting_value(db, CONTACT, profile.contact)
