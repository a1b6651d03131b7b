-- one row per reached message, with a flag for each compliance and list-hygiene check of SPEC
-- section 4 (unprocessed free-text requests are inbound messages: see int_opt_out_requests)
with

messages as (
    select * from int_messages_cohorts
),

identified as (
    select message_id, phone, body from int_messages_identified where is_reached
),

opt_outs as (
    select studio_id, lead_key, opted_out_at, local_date as opt_out_date from int_opt_outs_attributed
),

re_opt_ins as (
    select studio_id, lead_key, event_at from int_opt_out_events where kind = 're_opt_in'
),

leads as (
    select studio_id, lead_key, phone, consent_at from int_leads
),

studios as (
    select studio_id, name, timezone from int_studios
),

deactivated as (
    -- the earliest date a number was listed
    select phone, min(deactivated_at) as deactivated_on from stg_deactivations group by phone
),

calendar as (
    select * from business_calendar
),

after_opt_out as (
    select
        messages.message_id,
        messages.studio_id,
        messages.lead_key,
        messages.sent_at,
        messages.local_date,
        opt_outs.opted_out_at,
        opt_outs.opt_out_date,
    from messages
    asof left join opt_outs
        on opt_outs.studio_id = messages.studio_id
        and opt_outs.lead_key = messages.lead_key
        and messages.sent_at > opt_outs.opted_out_at
),

opted_out_at_send as (
    select
        after_opt_out.*,
        re_opt_ins.event_at as last_re_opt_in_at,
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
        message_id,
        is_while_opted_out,
        opted_out_at is not null and not is_while_opted_out as is_resubscribed,
        -- the provider's confirmation: the first reached message after the opt-out, within 5 minutes
        is_while_opted_out
            and row_number() over (
                partition by studio_id, lead_key, opted_out_at order by sent_at, message_id
            ) = 1
            and epoch_us(sent_at) - epoch_us(opted_out_at) <= 300e6 as is_confirmation,
        opt_out_date,
        local_date,
    from after_opt_out_flagged
),

sent_after_days as (
    select
        sent_after.message_id,
        sent_after.is_while_opted_out and not sent_after.is_confirmation as is_sent_after_opt_out,
        sent_after.is_resubscribed,
        send_day.business_day_index - opt_out_day.business_day_index as business_days_after_opt_out,
    from sent_after
    left join calendar as send_day on send_day.date = sent_after.local_date
    left join calendar as opt_out_day on opt_out_day.date = sent_after.opt_out_date
),

recipients as (
    select
        messages.message_id,
        messages.studio_id,
        messages.local_date,
        coalesce(identified.phone, leads.phone) as phone,
        leads.consent_at,
    from messages
    join identified using (message_id)
    left join leads on leads.studio_id = messages.studio_id and leads.lead_key = messages.lead_key
),

to_deactivated as (
    select
        recipients.message_id,
        true as is_sent_to_deactivated,
        deactivated.deactivated_on,
    from recipients
    join deactivated on deactivated.phone = recipients.phone
    join studios on studios.studio_id = recipients.studio_id
    where recipients.local_date >= deactivated.deactivated_on
        -- consent renewed after the number was deactivated: a new owner opted in
        and not coalesce(cast(timezone(studios.timezone, recipients.consent_at) as date) > deactivated.deactivated_on, false)
),

final as (
    select
        messages.message_id,
        messages.studio_id,
        messages.lead_key,
        messages.local_date,
        coalesce(sent_after_days.is_sent_after_opt_out, false) as is_sent_after_opt_out,
        case when sent_after_days.is_sent_after_opt_out then sent_after_days.business_days_after_opt_out end
            as business_days_after_opt_out,
        -- the lead opted out before and came back: not a check, a risk for spike analysis
        coalesce(sent_after_days.is_resubscribed, false) as is_resubscribed_after_opt_out,
        coalesce(to_deactivated.is_sent_to_deactivated, false) as is_sent_to_deactivated,
        messages.consent = 'none' as is_sent_without_consent,
        messages.engagement = '548d+' as is_check_in_overdue,
        messages.local_hour < 8 or messages.local_hour >= 21 as is_quiet_hours,
        coalesce(
            nullif(trim(identified.body), '') is not null
                and studios.name is not null
                and strpos(lower(identified.body), lower(studios.name)) = 0,
            false
        ) as is_missing_sender_id,
    from messages
    join identified using (message_id)
    left join sent_after_days using (message_id)
    left join to_deactivated using (message_id)
    left join studios on studios.studio_id = messages.studio_id
)

select * from final
