"""The Slack Web API client: base URL from ``SLACK_API_URL``, retries on 429, 5xx and timeouts."""

from __future__ import annotations

from aiohttp import (
    ClientOSError,
    ClientSession,
    ClientTimeout,
    ServerConnectionError,
    ServerDisconnectedError,
)
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"
TIMEOUT_SECONDS = 10


class ServerErrorRetry(AsyncRetryHandler):
    """Retry on any 5xx answer (slack_sdk's own handler only retries 500 and 503)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers() -> list[AsyncRetryHandler]:
    """Connection errors and timeouts, rate limits (honouring ``Retry-After``), server errors."""
    return [
        AsyncConnectionErrorRetryHandler(
            max_retry_count=2,
            error_types=[
                ServerConnectionError,
                ServerDisconnectedError,
                ClientOSError,
                TimeoutError,
            ],
        ),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetry(max_retry_count=2),
    ]


def api_url(settings: Settings) -> str:
    """The Web API base URL, ending with ``/`` as slack_sdk expects."""
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def http_session() -> ClientSession:
    """One HTTP session (connection pool) for every Web API call of the process.

    Without it slack_sdk opens a new session and TCP connection for each call. Call it with
    the event loop running; whoever creates it closes it.
    """
    return ClientSession(timeout=ClientTimeout(total=TIMEOUT_SECONDS))


def web_client(
    settings: Settings, token: str | None = None, session: ClientSession | None = None
) -> AsyncWebClient:
    """The app's Web API client; Bolt copies its URL, session and retry handlers per request."""
    return AsyncWebClient(
        token=token,
        base_url=api_url(settings),
        timeout=TIMEOUT_SECONDS,
        session=session,
        retry_handlers=retry_handlers(),
    )


def webhook(url: str, session: ClientSession | None = None) -> AsyncWebhookClient:
    """A client for a ``response_url`` (private answers to a slash command)."""
    return AsyncWebhookClient(
        url, timeout=TIMEOUT_SECONDS, session=session, retry_handlers=retry_handlers()
    )
