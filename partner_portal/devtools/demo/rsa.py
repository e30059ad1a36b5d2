"""Demo RSA: AB Botkyrkabyggen has saved its answers to the RSA questionnaire (a draft, not
handed in), the per-service questions answered for its site in the register."""

from __future__ import annotations

from partner_portal.devtools.demo.actors import BYGGEN, Demo
from partner_portal.evidence.models import Process
from partner_portal.platform import clock
from partner_portal.questionnaires import queries
from partner_portal.questionnaires import service as questionnaires
from partner_portal.rooms.models import ItemKind


async def rsa(demo: Demo) -> None:
    """Run after the register is seeded: the per-service questions name its entries."""
    room_id = await demo.open_room(
        f"Risk- och sårbarhetsanalys {clock.today().year}", Process.RSA, [BYGGEN]
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    progress = await demo.progress_on("erik.oberg", room_id, BYGGEN, ItemKind.QUESTIONNAIRE)
    posted: dict[str, list[str]] = {
        "q-responsible": ["Erik Öberg, fastighetschef"],
        "q-method": ["workshop"],
        "q-risks": ["power", "water", "staff"],
        "q-capability": ["good_with_gaps"],
        "q-events_evaluated": ["yes"],
        "q-events": ["Elavbrottet i Tumba i januari: reservkraften kom fram efter sex timmar."],
        "q-measures": ["Fast reservkraft till Trygghetsboendet Tumba."],
    }
    for site in await queries.services(demo.db, demo.organisations[BYGGEN]):
        posted[f"q-power_hours-{site.id}"] = ["8"]
        posted[f"q-continuity_plan-{site.id}"] = ["no"]
    await questionnaires.save_answers(
        demo.db, progress=progress, posted=posted, actor_id=demo.person("erik.oberg").id
    )
