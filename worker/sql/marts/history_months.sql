-- the grid of the year of history: every studio that sent a text in the window, in every month in
-- which a text was sent (the studio's local calendar months, as everywhere), with the month as
-- UTC instants [starts_at, ends_at). monthly, delivery_outcomes and list_growth have one row per
-- row of it, so their months and studios are the same.
with

studios as (
    select studio_id, timezone from int_studios
),

days as (
    select * from outbound_days
),

months as (
    select distinct date_trunc('month', local_date)::date as month_start from days
),

grid as (
    select s.studio_id, s.timezone, m.month_start, (m.month_start + interval 1 month)::date as next_start
    from (select distinct studio_id from days) as o
    join studios as s using (studio_id)
    cross join months as m
),

final as (
    select
        *,
        timezone(timezone, month_start::timestamp) as starts_at,
        timezone(timezone, next_start::timestamp) as ends_at,
    from grid
)

select * from final
