-- one row per (check, studio, lead) in the review month: how many of its messages broke the
-- rule (and, for sends after an opt-out, how many came more than 10 business days after it),
-- when, and the lead's id and number (for the analyst's tables, never for the site)
with

checks as (
    select * from int_messages_cohorts
    where local_date between $period_start::date and $period_end::date
),

requests as (
    select * from int_opt_out_requests
    where local_date between $period_start::date and $period_end::date
),

leads as (
    select studio_id, lead_key, phone from int_leads
),

long as (
    -- one select per check, generated from the catalog (worker/catalog/checks.ts)
    {{ check_rows }}
),

per_lead as (
    select
        "check",
        studio_id,
        lead_no,
        count(*)::integer as messages,
        count(*) filter (where is_late)::integer as late_messages,
        min(local_date) as first_date,
        max(local_date) as last_date,
    from long
    group by all
),

lead_keys as (
    -- the leads' keys, by number: the messages carry them, the fact table only the number
    select lead_no, any_value(lead_key) as lead_key
    from int_messages_identified
    where lead_no in (select lead_no from per_lead)
    group by lead_no
),

final as (
    select
        per_lead."check",
        per_lead.studio_id,
        lead_keys.lead_key,
        -- a lead_id that matches no lead is still the lead's id; a number-only lead has none
        case when lead_keys.lead_key like 'id:%' then substr(lead_keys.lead_key, 4) end as lead_id,
        coalesce(leads.phone, case when lead_keys.lead_key like 'phone:%' then substr(lead_keys.lead_key, 7) end) as phone,
        per_lead.messages,
        per_lead.late_messages,
        per_lead.first_date,
        per_lead.last_date,
    from per_lead
    join lead_keys using (lead_no)
    left join leads on leads.studio_id = per_lead.studio_id and leads.lead_key = lead_keys.lead_key
)

select * from final
