-- one row per accepted message, with the lead it belongs to and its local time
with

messages as (
    select * from stg_messages
),

leads_by_phone as (
    select * from int_leads_by_phone
),

studios as (
    select studio_id, name as studio_name, timezone from int_studios
),

offsets as (
    select * from int_local_offsets
),

identified as (
    select
        messages.*,
        -- by lead_id; else the most recent lead with the number; else the number itself
        case
            when messages.lead_id is not null then 'id:' || messages.lead_id
            when leads_by_phone.lead_key is not null then leads_by_phone.lead_key
            else 'phone:' || messages.phone
        end as lead_key,
        messages.direction = 'outbound' and messages.status in ('sent', 'delivered') as is_reached,
        make_timestamp(epoch_us(messages.sent_at) + offsets.utc_offset_us) as sent_at_local,
        -- a body that does not say who is texting (SPEC section 4: only where both are known)
        coalesce(
            nullif(trim(messages.body), '') is not null
                and studios.studio_name is not null
                and strpos(lower(messages.body), lower(studios.studio_name)) = 0,
            false
        ) as is_missing_sender_id,
    from messages
    -- equality conditions only: an extra "lead_id is null" here turns the hash join into a
    -- nested loop; the case above prefers lead_id anyway
    left join leads_by_phone
        on leads_by_phone.studio_id = messages.studio_id
        and leads_by_phone.phone = messages.phone
    left join studios on studios.studio_id = messages.studio_id
    left join offsets
        on offsets.timezone = studios.timezone
        and offsets.bucket = floor(epoch_us(messages.sent_at) / 900000000)::bigint
),

keyworded as (
    select
        *,
        cast(sent_at_local as date) as local_date,
        -- the body as a keyword: trimmed, upper-cased, spaces collapsed, punctuation around stripped
        case when direction = 'inbound' then
            upper(regexp_replace(regexp_replace(coalesce(body, ''), '\s+', ' ', 'g'), '^[\s[:punct:]]+|[\s[:punct:]]+$', '', 'g'))
        end as keyword,
    from identified
),

final as (
    select
        *,
        coalesce(keyword in ('STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT', 'STOP ALL'), false)
            as is_opt_out_keyword,
        coalesce(keyword in ('START', 'UNSTOP', 'YES'), false) as is_re_opt_in_keyword,
    from keyworded
)

select * from final
