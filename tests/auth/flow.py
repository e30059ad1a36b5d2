"""The steps of a real login: the portal's redirect, the person at the provider, the callback."""

from __future__ import annotations

import httpx


async def at_provider(authorize_url: str, sub: str | None = None, *, deny: bool = False) -> str:
    """What the person does at the provider's page; returns where the provider sends them."""
    async with httpx.AsyncClient() as provider_page:
        page = await provider_page.get(authorize_url)
        assert page.status_code == 200, page.text
        data = {"action": "deny"} if deny else {"sub": sub or ""}
        answer = await provider_page.post(authorize_url, data=data)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def start_login(browser: httpx.AsyncClient, next_path: str = "/") -> str:
    response = await browser.get("/auth/login", params={"next": next_path})
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def log_in(browser: httpx.AsyncClient, sub: str, next_path: str = "/") -> httpx.Response:
    """The whole round-trip; returns the portal's answer to the callback."""
    callback = await at_provider(await start_login(browser, next_path), sub)
    return await browser.get(callback)
