-- one row per campaign with an outbound text in the review month (by local date), and one row
-- (campaign_id null) for the one-to-one texts: outbound texts sent and delivered, texts reached,
-- the opt-outs attributed to its reached texts, distinct leads reached, its type, its studios and
-- its first and last local date. Summed over the rows, sent and delivered are the month's.
with

outbound as (
    select message_no, studio_id, lead_no, campaign_id, status, is_reached, local_date
    from int_messages_identified
    where direction = 'outbound' and local_date between $period_start::date and $period_end::date
),

attributed as (
    select message_no, count(*) as opt_outs
    from int_opt_outs_attributed
    where message_no is not null
    group by message_no
),

types as (
    -- the campaign type of its reached texts in the month (the fact table's key: given, or derived)
    select
        campaign_id::varchar as campaign_id,
        mode(campaign_type::varchar) as campaign_type,
    from int_messages_cohorts
    where local_date between $period_start::date and $period_end::date and campaign_id is not null
    group by all
),

per_campaign as (
    select
        outbound.campaign_id,
        count(*) as sent,
        count(*) filter (where outbound.status = 'delivered') as delivered,
        count(*) filter (where outbound.is_reached) as reached,
        coalesce(sum(attributed.opt_outs) filter (where outbound.is_reached), 0) as opt_outs,
        count(distinct outbound.lead_no) filter (where outbound.is_reached) as recipients,
        string_agg(distinct outbound.studio_id, ';' order by outbound.studio_id) as studio_ids,
        min(outbound.local_date) as first_date,
        max(outbound.local_date) as last_date,
    from outbound
    left join attributed using (message_no)
    group by outbound.campaign_id
),

final as (
    select
        per_campaign.campaign_id,
        case when per_campaign.campaign_id is null then 'conversation' else types.campaign_type end as campaign_type,
        per_campaign.studio_ids,
        per_campaign.first_date,
        per_campaign.last_date,
        per_campaign.sent::integer as sent,
        per_campaign.delivered::integer as delivered,
        per_campaign.reached::integer as reached,
        per_campaign.opt_outs::integer as opt_outs,
        per_campaign.recipients::integer as recipients,
    from per_campaign
    left join types using (campaign_id)
)

select * from final
