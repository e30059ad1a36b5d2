"""The template environment's quicker calls (platform/templating._Context) behave as Jinja's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import pass_context, pass_environment
from jinja2.runtime import Context

from partner_portal.platform import i18n
from partner_portal.platform.templating import create_environment

Render = Callable[..., str]


@pytest.fixture
def render(tmp_path: Path) -> Render:
    env = create_environment(tmp_path)

    def render(source: str, **values: object) -> str:
        return env.from_string(source).render(**values)

    return render


def test_what_asks_for_the_context_still_gets_it_in_a_loop(render: Render) -> None:
    @pass_context
    def seen(context: Context, name: str) -> object:
        return context.resolve(name)

    @pass_environment
    def autoescaping(env: object) -> bool:
        return bool(getattr(env, "autoescape", False))

    html = render(
        "{% for x in xs %}{% set y = x %}{{ seen('y') }}{% endfor %} {{ autoescaping() }}",
        xs=[1, 2],
        seen=seen,
        autoescaping=autoescaping,
    )

    assert html == "12 True"


def test_plain_callables_get_only_their_arguments(render: Render) -> None:
    class Thing:
        def twice(self, n: int) -> int:
            return 2 * n

    def plain(*args: object, **kwargs: object) -> str:
        return f"{args}{sorted(kwargs)}"

    html = render(
        "{% macro m(a) %}[{{ a }}]{% endmacro %}"
        "{% for x in [1] %}{{ plain(x, k=1) }}{{ t.twice(x) }}{{ m(x) }}{{ d.get('a') }}"
        "{% endfor %}",
        plain=plain,
        t=Thing(),
        d={"a": "b"},
    )

    assert html == "(1,)[&#39;k&#39;]2[1]b"


def test_a_callable_raising_stop_iteration_gives_undefined(render: Render) -> None:
    def stops() -> None:
        raise StopIteration

    with pytest.raises(Exception, match="StopIteration"):
        render("{{ stops() }}", stops=stops)  # StrictUndefined refuses to print it


def test_gettext_formats_new_style_and_escapes_values(render: Render) -> None:
    html = render(
        "{% for x in [1] %}{{ _('Svar för %(org)s', org=name) }}|"
        "{{ ngettext('%(num)s kommentar', '%(num)s kommentarer', 2) }}|"
        "{% trans %}Stängt{% endtrans %}{% endfor %}",
        name="<AB & Co>",
    )
    assert html == "Svar för &lt;AB &amp; Co&gt;|2 kommentarer|Stängt"

    token = i18n.current_language.set("en")
    try:
        english = render("{{ _('Stängt') }}")
    finally:
        i18n.current_language.reset(token)
    assert english == "Closed"
