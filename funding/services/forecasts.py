"""Revenue forecasts of a self-balancing special-bond project, by year and item."""

from __future__ import annotations

from funding.schemas import ForecastIn, ForecastOut
from funding.services.common import require_project, row_of
from funding.tables import RevenueForecast
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, NotFound
from tracker.rows import to_schemas

_COLUMNS = (RevenueForecast.id, RevenueForecast.project.as_alias("project_id"), RevenueForecast.year,
            RevenueForecast.item, RevenueForecast.revenue_fen, RevenueForecast.cost_fen)


async def _refuse_duplicate(project_id: int, data: ForecastIn, forecast_id: int | None = None) -> None:
    query = RevenueForecast.exists().where(RevenueForecast.project == project_id, RevenueForecast.year == data.year,
                                           RevenueForecast.item == data.item)
    if forecast_id is not None:
        query = query.where(RevenueForecast.id != forecast_id)
    if await query:
        raise Conflict("{item} for {year} is already forecast; change that row.", field="item",
                       rule="revenue_forecast_one_item_a_year", item=data.item, year=data.year)


async def add_forecast(actor: Actor, project_id: int, data: ForecastIn) -> ForecastOut:
    async with transaction():
        await require_project(project_id)
        await _refuse_duplicate(project_id, data)
        forecast_id = (await RevenueForecast.insert(RevenueForecast(
            project=project_id, year=data.year, item=data.item, revenue_fen=data.revenue_fen, cost_fen=data.cost_fen,
        )).returning(RevenueForecast.id))[0]["id"]
        await audit.record(actor, "funding.forecast.create", "revenue_forecast", forecast_id,
                           {"project_id": project_id, "year": data.year, "item": data.item,
                            "revenue_fen": data.revenue_fen, "cost_fen": data.cost_fen})
    return await get_forecast(forecast_id)


async def update_forecast(actor: Actor, forecast_id: int, data: ForecastIn) -> ForecastOut:
    async with transaction():
        row = await row_of(RevenueForecast, forecast_id, "forecast_id", "Forecast {id} does not exist.", lock=True)
        await _refuse_duplicate(row["project"], data, forecast_id)
        await RevenueForecast.update({
            RevenueForecast.year: data.year, RevenueForecast.item: data.item,
            RevenueForecast.revenue_fen: data.revenue_fen, RevenueForecast.cost_fen: data.cost_fen,
        }).where(RevenueForecast.id == forecast_id)
        await audit.record(actor, "funding.forecast.update", "revenue_forecast", forecast_id,
                           {"year": data.year, "item": data.item, "revenue_fen": data.revenue_fen,
                            "cost_fen": data.cost_fen})
    return await get_forecast(forecast_id)


async def get_forecast(forecast_id: int) -> ForecastOut:
    rows = await RevenueForecast.select(*_COLUMNS).where(RevenueForecast.id == forecast_id)
    if not rows:
        raise NotFound("Forecast {id} does not exist.", field="forecast_id", id=forecast_id)
    return to_schemas(rows, ForecastOut)[0]


async def list_forecasts(project_id: int) -> list[ForecastOut]:
    await require_project(project_id)
    rows = await RevenueForecast.select(*_COLUMNS).where(RevenueForecast.project == project_id) \
        .order_by(RevenueForecast.year).order_by(RevenueForecast.item)
    return to_schemas(rows, ForecastOut)
