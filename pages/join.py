"""Public participant page (no account, phone-first): join by code, propose, vote
(lape_plan/ui/participant.py)."""

from lape_plan.ui.participant import page
from lape_plan.ui.public import public_guard

page(public_guard())
