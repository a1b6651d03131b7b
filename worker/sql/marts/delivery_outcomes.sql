-- one row per (calendar month, studio) and per month overall (studio_id null), for the months and
-- studios of the year of history (as monthly): every outbound text by how it ended, for the
-- delivery rate delivered / sent. sent = delivered + no_receipt + undelivered + failed + other.
with

by_day as (
    select * from outbound_days
),

by_month as (
    select
        studio_id,
        date_trunc('month', local_date)::date as month_start,
        sum(sent) as sent,
        sum(delivered) as delivered,
        sum(no_receipt) as no_receipt,
        sum(undelivered) as undelivered,
        sum(failed) as failed,
        sum(other) as other,
    from by_day
    group by all
),

grid as (
    -- every studio that texted in the window, in every month with a text (as monthly)
    select studio_id, month_start from history_months
),

per_studio as (
    select
        strftime(grid.month_start, '%Y-%m') as month,
        grid.studio_id,
        coalesce(by_month.sent, 0) as sent,
        coalesce(by_month.delivered, 0) as delivered,
        coalesce(by_month.no_receipt, 0) as no_receipt,
        coalesce(by_month.undelivered, 0) as undelivered,
        coalesce(by_month.failed, 0) as failed,
        coalesce(by_month.other, 0) as other,
    from grid
    left join by_month using (studio_id, month_start)
),

final as (
    select * from per_studio
    union all
    select month, null, sum(sent), sum(delivered), sum(no_receipt), sum(undelivered), sum(failed), sum(other)
    from per_studio
    group by month
)

select
    month,
    studio_id,
    sent::integer as sent,
    delivered::integer as delivered,
    no_receipt::integer as no_receipt,
    undelivered::integer as undelivered,
    failed::integer as failed,
    other::integer as other,
from final
