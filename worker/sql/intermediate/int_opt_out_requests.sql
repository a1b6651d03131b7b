-- one row per inbound message that asks to stop in free text without being a keyword, with the
-- reason it was judged so and whether an opt-out event for the lead followed within 24 hours.
-- The verdicts come from free_text_verdicts, which the worker writes before this model runs: each
-- distinct inbound non-keyword body judged once by the classifier in analysis/freetext.ts.
with

messages as (
    select * from int_messages_identified
    where direction = 'inbound' and body is not null and not is_opt_out_keyword and not is_re_opt_in_keyword
),

opt_out_events as (
    select lead_no, event_at from int_opt_out_events where kind = 'opt_out'
),

requests as (
    select
        messages.message_id,
        messages.studio_id,
        messages.lead_key,
        messages.lead_no,
        messages.sent_at,
        messages.local_date,
        verdicts.reason,
    from messages
    join free_text_verdicts as verdicts using (body)
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
        requests.reason,
    from requests
)

select * from final
