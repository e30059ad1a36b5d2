"""The RSA questionnaire's questions, as template data (see partner_portal.questionnaires.
questions for their shape). They follow the programme's §4.1 and MSB's guidance for the
municipality's risk and vulnerability analysis: the vital services it rests on, their
dependencies and how long they hold, the risks, vulnerabilities, capability and measures, and
what events and exercises taught."""

from __future__ import annotations

from typing import Any

RISKS = (
    ("power", "Elavbrott"),
    ("water", "Avbrott i dricksvattenförsörjningen"),
    ("it", "Störningar i IT och telekommunikation"),
    ("fuel", "Brist på drivmedel"),
    ("staff", "Stort personalbortfall, till exempel vid pandemi"),
    ("weather", "Extremväder: värme, skyfall, storm eller snö"),
    ("fire", "Brand"),
    ("cyber", "Cyberangrepp eller informationssäkerhetsincident"),
    ("food", "Störningar i livsmedelsförsörjningen"),
    ("transport", "Störningar i transporter"),
)

RSA: tuple[dict[str, Any], ...] = (
    {
        "key": "responsible",
        "kind": "text",
        "label": "Vem ansvarar för RSA-arbetet i er organisation?",
        "help": "Namn och funktion, så att kommunen vet vem som kan svara på frågor.",
        "required": True,
    },
    {
        "key": "method",
        "kind": "choice",
        "label": "Hur har analysen tagits fram?",
        "required": True,
        "options": [
            ["workshop", "Workshop med verksamheterna"],
            ["survey", "Enkät eller intervjuer"],
            ["existing", "Uppdatering av tidigare analys"],
            ["other", "På annat sätt"],
        ],
    },
    {
        "key": "risks",
        "kind": "choices",
        "label": "Vilka händelser bedömer ni som mest allvarliga för er verksamhet?",
        "help": "Välj de händelser som skulle påverka den samhällsviktiga verksamheten mest.",
        "required": True,
        "options": [list(r) for r in RISKS],
    },
    {
        "key": "power_hours",
        "kind": "number",
        "label": "Hur länge kan verksamheten fortsätta utan el från nätet?",
        "help": "Med egen reservkraft eller annan reserv. Ange 0 om verksamheten stannar direkt.",
        "required": True,
        "unit": "timmar",
        "per_service": True,
    },
    {
        "key": "continuity_plan",
        "kind": "yes_no",
        "label": "Finns en kontinuitetsplan för verksamheten?",
        "required": True,
        "per_service": True,
    },
    {
        "key": "vulnerability",
        "kind": "text",
        "label": "Största sårbarhet för verksamheten",
        "help": "Till exempel ett beroende utan reserv, eller nyckelpersoner som saknar ersättare.",
        "per_service": True,
    },
    {
        "key": "minimum_staff",
        "kind": "number",
        "label": "Hur många medarbetare behövs som minst för att hålla igång den "
        "samhällsviktiga verksamheten?",
        "unit": "personer",
    },
    {
        "key": "capability",
        "kind": "choice",
        "label": "Hur bedömer ni er förmåga att bedriva samhällsviktig verksamhet vid en "
        "extraordinär händelse?",
        "help": "MSB:s skala för förmågebedömning.",
        "required": True,
        "options": [
            ["good", "God"],
            ["good_with_gaps", "God men med vissa brister"],
            ["limited", "Bristfällig"],
            ["very_limited", "Mycket bristfällig"],
        ],
    },
    {
        "key": "events_evaluated",
        "kind": "yes_no",
        "label": "Har inträffade händelser utvärderats och använts som underlag till analysen?",
        "required": True,
    },
    {
        "key": "events",
        "kind": "text",
        "label": "Vilka händelser har utvärderats, och vad lärde ni er?",
    },
    {
        "key": "measures",
        "kind": "text",
        "label": "Vilka åtgärder behövs för att minska sårbarheten och stärka förmågan?",
        "required": True,
    },
    {
        "key": "next_exercise",
        "kind": "date",
        "label": "När övas planeringen nästa gång?",
        "help": "Lämna tomt om ingen övning är bestämd.",
    },
)
