-- one row per opt-out or re-opt-in event, in time order per (studio, lead), marking new opt-outs
with

opt_out_rows as (
    select * from stg_opt_outs
),

leads_by_phone as (
    select * from int_leads_by_phone
),

messages as (
    select * from int_messages_identified
),

leads as (
    select * from int_leads
),

events as (
    -- a row of the opt_outs table; a lead_id that matches no lead stays the lead's identity
    select
        o.studio_id,
        case
            when o.lead_id is not null then 'id:' || o.lead_id
            when p.lead_key is not null then p.lead_key
            else 'phone:' || o.phone
        end as lead_key,
        o.opted_out_at as event_at,
        'opt_out' as kind,
        'opt_outs' as source,
        o.method,
        null::varchar as message_id,
    from opt_out_rows as o
    left join leads_by_phone as p
        on p.studio_id = o.studio_id and p.phone = o.phone

    union all

    -- an inbound keyword
    select studio_id, lead_key, sent_at, 'opt_out', 'keyword', 'keyword', message_id
    from messages
    where is_opt_out_keyword

    union all

    -- a re-opt-in: START, UNSTOP or YES, or the lead's consent
    select studio_id, lead_key, sent_at, 're_opt_in', 'keyword', null, message_id
    from messages
    where is_re_opt_in_keyword

    union all

    -- every consent of every version of the lead (int_leads)
    select studio_id, lead_key, unnest(consent_ats), 're_opt_in', 'consent', null, null
    from leads
    where len(consent_ats) > 0
),

numbered as (
    select *, lead_no(studio_id, lead_key) as lead_no from events
),

sequenced as (
    select
        *,
        -- at the same instant a re-opt-in is applied before an opt-out
        row_number() over (
            partition by lead_no
            order by event_at, case kind when 're_opt_in' then 0 else 1 end, source, message_id
        ) as seq,
    from numbered
),

state as (
    select
        *,
        max(case when kind = 'opt_out' then seq end) over earlier as last_opt_out_seq,
        max(case when kind = 're_opt_in' then seq end) over earlier as last_re_opt_in_seq,
    from sequenced
    window earlier as (
        partition by lead_no order by seq rows between unbounded preceding and 1 preceding
    )
),

final as (
    select
        studio_id,
        lead_key,
        lead_no,
        event_at,
        kind,
        source,
        method,
        message_id,
        seq,
        kind = 'opt_out'
            and (last_opt_out_seq is null or coalesce(last_re_opt_in_seq, 0) > last_opt_out_seq) as is_new_opt_out,
    from state
)

select * from final
