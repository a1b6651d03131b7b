-- one row per (period, studio or all studios (studio_id null), kind): the signals in the period
-- that a lead no longer wants (or can get) texts that are not opt-outs under the contract, so are
-- in no opt-out count: 'deactivated' (the studio's leads whose number a carrier first listed as
-- deactivated on a date of the period) and 'unrecorded_request' (leads who asked to stop in words
-- in the period with no opt-out within the next 24 hours). Each lead counted once per kind.
with

periods as (
    select * from review_periods
),

leads as (
    -- the leads of the leads file, and the numbers texted that are no lead's
    select studio_id, lead_no, phone from int_leads
    union
    select distinct studio_id, lead_no, phone
    from int_messages_identified
    where lead_key like 'phone:%' and phone is not null
),

deactivated as (
    select periods.period, leads.studio_id, count(distinct leads.lead_no) as leads
    from leads
    join int_deactivated_numbers as numbers on numbers.phone = leads.phone
    join periods on numbers.deactivated_on between periods.starts_on and periods.ends_on
    group by all
),

unrecorded as (
    select periods.period, requests.studio_id, count(distinct requests.lead_no) as leads
    from int_opt_out_requests as requests
    join periods on requests.local_date between periods.starts_on and periods.ends_on
    where not requests.is_processed
    group by all
),

per_studio as (
    select period, studio_id, 'deactivated' as kind, leads from deactivated
    union all
    select period, studio_id, 'unrecorded_request', leads from unrecorded
),

final as (
    select * from per_studio
    union all
    select period, null, kind, sum(leads) from per_studio group by all
)

select
    final.period,
    strftime(periods.starts_on, '%Y-%m') as month,
    final.studio_id,
    final.kind,
    final.leads::integer as leads,
from final
join periods using (period)
