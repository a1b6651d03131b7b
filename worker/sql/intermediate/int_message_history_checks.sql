-- one row per reached message that a check over the lead's history flags: sent while the lead
-- was opted out (or after it came back), sent to a number a carrier deactivated, or sent after a
-- free-text request to stop that nobody processed (SPEC section 4). Only the few messages of
-- leads with such a history go through the ASOF joins and windows; int_messages_cohorts joins
-- these flags back by message_no, and the checks that need only the message itself are there.
with

reached as not materialized (
    select
        m.message_no,
        m.message_id,
        m.studio_id,
        m.lead_no,
        m.sent_at,
        m.local_date,
        coalesce(m.phone, leads.phone) as recipient_phone,
        -- every version's consents (int_leads), in order
        leads.consent_ats,
    from int_messages_identified as m
    left join int_leads as leads using (lead_no)
    where m.is_reached
),

opt_outs as (
    select lead_no, opted_out_at, local_date as opt_out_date from int_opt_outs_attributed
),

re_opt_ins as (
    select lead_no, event_at from int_opt_out_events where kind = 're_opt_in'
),

studios as (
    select studio_id, timezone from int_studios
),

deactivated as (
    select * from int_deactivated_numbers
),

calendar as (
    select * from business_calendar
),

requests as (
    -- free-text requests to stop that no opt-out followed
    select lead_no, min(sent_at) as first_unprocessed_at
    from int_opt_out_requests
    where not is_processed
    group by lead_no
),

messages_of_opted_out as (
    -- only leads that ever opted out can be texted after an opt-out
    select message_no, message_id, lead_no, sent_at, local_date
    from reached
    semi join (select distinct lead_no from opt_outs) as o using (lead_no)
),

after_opt_out as (
    select m.*, opt_outs.opted_out_at, opt_outs.opt_out_date
    from messages_of_opted_out as m
    asof left join opt_outs
        on opt_outs.lead_no = m.lead_no
        and m.sent_at > opt_outs.opted_out_at
),

opted_out_at_send as (
    select after_opt_out.*, re_opt_ins.event_at as last_re_opt_in_at
    from after_opt_out
    asof left join re_opt_ins
        on re_opt_ins.lead_no = after_opt_out.lead_no
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
        s.message_no,
        s.opted_out_at is not null and not s.is_while_opted_out as is_resubscribed,
        -- the provider's confirmation: the first reached message after the opt-out, within 5 minutes
        s.is_while_opted_out
            and not (
                row_number() over (partition by s.lead_no, s.opted_out_at order by s.sent_at, s.message_id) = 1
                and epoch_us(s.sent_at) - epoch_us(s.opted_out_at) <= 300e6
            ) as is_sent_after_opt_out,
        send_day.business_day_index - opt_out_day.business_day_index as business_days_after_opt_out,
    from after_opt_out_flagged as s
    left join calendar as send_day on send_day.date = s.local_date
    left join calendar as opt_out_day on opt_out_day.date = s.opt_out_date
),

to_deactivated as (
    select distinct reached.message_no
    from reached
    join deactivated on deactivated.phone = reached.recipient_phone
    join studios on studios.studio_id = reached.studio_id
    where reached.local_date >= deactivated.deactivated_on
        -- consent captured after the number was deactivated: a new owner opted in. Only a consent
        -- at or before the send counts (of any version of the lead): a later export's later
        -- consent does not clear a text sent before it
        and not coalesce(cast(timezone(studios.timezone, list_max(list_filter(reached.consent_ats, c -> c <= reached.sent_at))) as date)
            > deactivated.deactivated_on, false)
),

after_request as (
    select reached.message_no
    from reached
    join requests using (lead_no)
    where requests.first_unprocessed_at < reached.sent_at
),

flagged as (
    select message_no from sent_after where is_sent_after_opt_out or is_resubscribed
    union
    select message_no from to_deactivated
    union
    select message_no from after_request
),

final as (
    select
        flagged.message_no,
        coalesce(sent_after.is_sent_after_opt_out, false) as is_sent_after_opt_out,
        case when sent_after.is_sent_after_opt_out then sent_after.business_days_after_opt_out end
            as business_days_after_opt_out,
        to_deactivated.message_no is not null as is_sent_to_deactivated,
        -- the lead opted out before and came back
        coalesce(sent_after.is_resubscribed, false) as is_resubscribed_after_opt_out,
        coalesce(sent_after.is_sent_after_opt_out, false) or after_request.message_no is not null
            as is_opt_out_ignored,
    from flagged
    left join sent_after using (message_no)
    left join to_deactivated using (message_no)
    left join after_request using (message_no)
)

select * from final
