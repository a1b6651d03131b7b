-- one row per reached message, with a flag for each compliance and list-hygiene check of SPEC
-- section 4 (unprocessed free-text requests are inbound messages: see int_opt_out_requests)
-- and the risk factors the known causes of opt-outs point to (analysis/causes.ts). The costly
-- parts (ASOF joins, windows) run only on the few messages they can concern, and are joined
-- back by message_id.
with

messages as (
    select * from int_messages_cohorts
),

opt_outs as (
    select studio_id, lead_key, opted_out_at, local_date as opt_out_date from int_opt_outs_attributed
),

re_opt_ins as (
    select studio_id, lead_key, event_at from int_opt_out_events where kind = 're_opt_in'
),

studios as (
    select studio_id, name, timezone from int_studios
),

deactivated as (
    select * from int_deactivated_numbers
),

calendar as (
    select * from business_calendar
),

requests as (
    -- free-text requests to stop that no opt-out followed
    select studio_id, lead_key, min(sent_at) as first_unprocessed_at
    from int_opt_out_requests
    where not is_processed
    group by studio_id, lead_key
),

messages_of_opted_out as (
    -- only leads that ever opted out can be texted after an opt-out
    select message_id, studio_id, lead_key, sent_at, local_date
    from messages
    semi join (select distinct studio_id, lead_key from opt_outs) as o using (studio_id, lead_key)
),

after_opt_out as (
    select m.*, opt_outs.opted_out_at, opt_outs.opt_out_date
    from messages_of_opted_out as m
    asof left join opt_outs
        on opt_outs.studio_id = m.studio_id
        and opt_outs.lead_key = m.lead_key
        and m.sent_at > opt_outs.opted_out_at
),

opted_out_at_send as (
    select after_opt_out.*, re_opt_ins.event_at as last_re_opt_in_at
    from after_opt_out
    asof left join re_opt_ins
        on re_opt_ins.studio_id = after_opt_out.studio_id
        and re_opt_ins.lead_key = after_opt_out.lead_key
        and after_opt_out.sent_at >= re_opt_ins.event_at
),

after_opt_out_flagged as (
    select
        *,
        opted_out_at is not null
            and (last_re_opt_in_at is null or last_re_opt_in_at <= opted_out_at) as is_while_opted_out,
    from opted_out_at_send
),

sent_after as (
    select
        s.message_id,
        s.opted_out_at is not null and not s.is_while_opted_out as is_resubscribed,
        -- the provider's confirmation: the first reached message after the opt-out, within 5 minutes
        s.is_while_opted_out
            and not (
                row_number() over (partition by s.studio_id, s.lead_key, s.opted_out_at order by s.sent_at, s.message_id) = 1
                and epoch_us(s.sent_at) - epoch_us(s.opted_out_at) <= 300e6
            ) as is_sent_after_opt_out,
        send_day.business_day_index - opt_out_day.business_day_index as business_days_after_opt_out,
    from after_opt_out_flagged as s
    left join calendar as send_day on send_day.date = s.local_date
    left join calendar as opt_out_day on opt_out_day.date = s.opt_out_date
),

to_deactivated as (
    select messages.message_id
    from messages
    join deactivated on deactivated.phone = messages.recipient_phone
    join studios on studios.studio_id = messages.studio_id
    where messages.local_date >= deactivated.deactivated_on
        -- consent captured after the number was deactivated: a new owner opted in
        and not coalesce(cast(timezone(studios.timezone, messages.consent_at) as date) > deactivated.deactivated_on, false)
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
        messages.lead_created_on,
        -- the cohort keys, so the spike analysis reads one table
        messages.lead_source,
        messages.lead_age,
        messages.frequency_7d,
        messages.consent,
        messages.engagement,
        messages.campaign_type,
        messages.send_hour,
        messages.studio,
        coalesce(sent_after.is_sent_after_opt_out, false) as is_sent_after_opt_out,
        case when sent_after.is_sent_after_opt_out then sent_after.business_days_after_opt_out end
            as business_days_after_opt_out,
        to_deactivated.message_id is not null as is_sent_to_deactivated,
        messages.consent = 'none' as is_sent_without_consent,
        messages.engagement = '548d+' as is_check_in_overdue,
        messages.local_hour < 8 or messages.local_hour >= 21 as is_quiet_hours,
        messages.is_missing_sender_id,
        -- risk factors for the spike analysis
        messages.consent in ('none', 'unverified') as is_unverified_consent,
        messages.engagement in ('366-547d', '548d+') as is_cold,
        messages.lead_age in ('366-547d', '548d+') as is_old_lead,
        messages.is_blast,
        messages.frequency_7d in ('4-6', '7+') as is_high_frequency,
        messages.is_unpersonalised,
        -- the lead opted out before and came back
        coalesce(sent_after.is_resubscribed, false) as is_resubscribed_after_opt_out,
        coalesce(sent_after.is_sent_after_opt_out, false)
            or coalesce(requests.first_unprocessed_at < messages.sent_at, false) as is_opt_out_ignored,
    from messages
    left join sent_after using (message_id)
    left join to_deactivated using (message_id)
    left join requests on requests.studio_id = messages.studio_id and requests.lead_key = messages.lead_key
)

select * from final
