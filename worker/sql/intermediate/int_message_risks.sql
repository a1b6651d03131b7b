-- one row per reached message, with the risk factors that the known causes of opt-outs point
-- to (worker/analysis/causes.ts explains a spike by the factors that carry its excess)
with

messages as (
    select * from int_messages_cohorts
),

checks as (
    select * from int_message_checks
),

leads as (
    select studio_id, lead_key, lead_source, created_at, first_name from int_leads
),

requests as (
    -- free-text requests to stop that no opt-out followed
    select studio_id, lead_key, min(sent_at) as first_unprocessed_at
    from int_opt_out_requests
    where not is_processed
    group by studio_id, lead_key
),

final as (
    select
        messages.message_id,
        messages.studio_id,
        messages.lead_key,
        messages.local_date,
        messages.campaign_id,
        messages.campaign,
        messages.count_opt_outs,
        leads.lead_source,
        cast(leads.created_at as date) as lead_created_on,
        messages.consent in ('none', 'unverified') as is_unverified_consent,
        messages.engagement in ('366-547d', '548d+') as is_cold,
        messages.lead_age in ('366-547d', '548d+') as is_old_lead,
        messages.campaign_type = 'blast' as is_blast,
        messages.frequency_7d in ('4-6', '7+') as is_high_frequency,
        checks.is_quiet_hours,
        checks.is_missing_sender_id,
        coalesce(
            leads.first_name is not null
                and nullif(trim(messages.body), '') is not null
                and strpos(lower(messages.body), lower(leads.first_name)) = 0,
            false
        ) as is_unpersonalised,
        checks.is_resubscribed_after_opt_out,
        checks.is_sent_after_opt_out
            or coalesce(requests.first_unprocessed_at < messages.sent_at, false) as is_opt_out_ignored,
    from messages
    join checks using (message_id)
    left join leads on leads.studio_id = messages.studio_id and leads.lead_key = messages.lead_key
    left join requests on requests.studio_id = messages.studio_id and requests.lead_key = messages.lead_key
)

select * from final
