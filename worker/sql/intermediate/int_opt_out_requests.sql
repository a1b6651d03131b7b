-- one row per inbound message that asks to stop in free text without being a keyword, with
-- whether an opt-out event for the lead followed within 24 hours (the rules: analysis/freetext.ts)
with

messages as (
    select * from int_messages_identified
    where direction = 'inbound' and body is not null and not is_opt_out_keyword and not is_re_opt_in_keyword
),

opt_out_events as (
    select lead_no, event_at from int_opt_out_events where kind = 'opt_out'
),

normalised as (
    select
        message_id,
        studio_id,
        lead_key,
        lead_no,
        sent_at,
        local_date,
        reply_of(body) as reply,
    from messages
),

requests as (
    select *
    from normalised
    where not regexp_matches(reply, $negated)
        and (regexp_matches(reply, $strong) or (regexp_matches(reply, $weak) and not regexp_matches(reply, $look_alike)))
),

final as (
    select
        requests.message_id,
        requests.studio_id,
        requests.lead_key,
        requests.lead_no,
        requests.sent_at,
        requests.local_date,
        exists (
            select 1 from opt_out_events as e
            where e.lead_no = requests.lead_no
                and epoch_us(e.event_at) between epoch_us(requests.sent_at) and epoch_us(requests.sent_at) + 86400e6
        ) as is_processed,
    from requests
)

select * from final
