-- one row per (studio, local date) of the year of history on which the studio sent a text: every
-- outbound text by how it ended. By day first: a month of each of millions of rows costs more
-- than grouping on the date. monthly, delivery_outcomes and list_growth read it (and
-- history_months, their grid), so the messages are scanned once for the three.
-- sent = delivered + no_receipt + undelivered + failed + other.
with

outbound as (
    select studio_id, local_date, status
    from int_messages_identified
    where direction = 'outbound' and local_date between $history_start::date and $history_end::date
),

final as (
    select
        studio_id,
        local_date,
        count(*) as sent,
        count(*) filter (where status = 'delivered') as delivered,
        -- reached, but the carrier sent no receipt
        count(*) filter (where status = 'sent') as no_receipt,
        count(*) filter (where status = 'undelivered') as undelivered,
        count(*) filter (where status = 'failed') as failed,
        -- still queued when the export was taken, or a status the contract does not name
        count(*) filter (where status not in ('delivered', 'sent', 'undelivered', 'failed')) as other,
    from outbound
    group by all
)

select * from final
