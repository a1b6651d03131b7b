-- one row per accepted message, with the lead it belongs to, its
-- local time and what its body says; the body itself is kept for inbound messages only (the
-- free-text check reads it), so the wide tables downstream carry no message text
with

messages as (
    select * from stg_messages
),

leads_by_phone as (
    select * from int_leads_by_phone
),

leads as (
    select * from int_leads
),

studios as (
    select studio_id, name as studio_name, timezone from int_studios
),

offsets as (
    select * from int_local_offsets
),

keyed as (
    select
        messages.*,
        -- by lead_id; else the most recent lead with the number; else the number itself
        case
            when messages.lead_id is not null then 'id:' || messages.lead_id
            when leads_by_phone.lead_key is not null then leads_by_phone.lead_key
            else 'phone:' || messages.phone
        end as lead_key,
        epoch_us(messages.sent_at) + offsets.utc_offset_us as local_us,
        studios.studio_name,
    from messages
    -- equality conditions only: an extra "lead_id is null" here turns the hash join into a
    -- nested loop. The number is the key only of a message without a lead_id (the case above
    -- prefers lead_id): the others probe with null, which hashes no string and matches nothing.
    left join leads_by_phone
        on leads_by_phone.studio_id = messages.studio_id
        and leads_by_phone.phone = case when messages.lead_id is null then messages.phone end
    left join studios on studios.studio_id = messages.studio_id
    left join offsets
        on offsets.timezone = studios.timezone
        and offsets.bucket = floor(epoch_us(messages.sent_at) / 900000000)::bigint
),

numbered as (
    select
        *,
        -- a 64-bit number for (studio, lead) (the macro is in models.ts)
        lead_no(studio_id, lead_key) as lead_no,
    from keyed
),

identified as (
    select
        numbered.*,
        -- the lead's other attributes are joined where they are used, by lead_no
        leads.first_name,
    from numbered
    left join leads on leads.lead_no = numbered.lead_no
),

named as (
    -- Does an outbound body use the lead's first name as a whole word (any case)? Most bodies
    -- write it as the leads file does: its first place and the characters either side of it
    -- (code points) settle those. The others (another case, or a first place inside a longer
    -- word, "Ann" in "Annual") are lower-cased and every place of the name is tested at once.
    -- Each step is a column: a CASE or macro over an expression would compute it for every row.
    select
        *,
        case when direction = 'outbound' and body is not null and first_name is not null then strpos(body, first_name) end as name_at,
    from identified
),

bounded as (
    select
        *,
        case when name_at > 0 then ascii(substr(body, name_at - 1, 1)) end as before_name,
        case when name_at > 0 then ascii(substr(body, name_at + length(first_name), 1)) end as after_name,
    from named
),

searched as (
    select
        *,
        case
            when name_at is null then null
            when name_at > 0 and not is_word_code(before_name) and not is_word_code(after_name) then null
            when contains(lower(body), lower(first_name)) then lower(body)
        end as body_to_search,
    from bounded
),

final as (
    select
        message_id,
        -- the message's place in the export (file, record): unique, and cheap to join on
        file_id::bigint * 4294967296 + record_no as message_no,
        studio_id,
        phone,
        lead_key,
        lead_no,
        direction,
        sent_at,
        status,
        error_code,
        campaign_id,
        campaign_type,
        case when direction = 'inbound' then body end as body,
        direction = 'outbound' and status in ('sent', 'delivered') as is_reached,
        cast(make_timestamp(local_us) as date) as local_date,
        hour(make_timestamp(local_us)) as local_hour,
        -- an outbound body that does not say who is texting, compared case-insensitively (SPEC
        -- section 4: only where both are known; staging leaves no blank body, only missing ones).
        -- Most bodies have the name as written: lower-casing only the others halves the cost.
        case
            when direction is distinct from 'outbound' or body is null or studio_name is null then false
            when contains(body, studio_name) then false
            else not contains(lower(body), lower(studio_name))
        end as is_missing_sender_id,
        -- an outbound body that does not use the lead's first name, alike
        case
            when direction is distinct from 'outbound' or body is null or first_name is null then false
            when contains(body, first_name) then false
            else not contains(lower(body), lower(first_name))
        end as is_unpersonalised,
        -- the personalization dimension (see `named` above)
        case
            when direction is distinct from 'outbound' or body is null or first_name is null then 'unknown'
            when name_at > 0 and not is_word_code(before_name) and not is_word_code(after_name) then 'yes'
            when regexp_matches(replace(body_to_search, lower(first_name), chr(1)), '(^|[^\pL\pN])\x01($|[^\pL\pN])') then 'yes'
            else 'no'
        end as personalization,
        -- an inbound body as a keyword: full-width forms narrowed, trimmed, upper-cased, spaces
        -- collapsed, Unicode punctuation around stripped (analysis/replies.ts)
        -- (the macros are given no outbound body: DuckDB evaluated a CASE's branch for every row
        -- here, and reading 2M outbound bodies as keywords cost 9 s)
        coalesce(is_opt_out_keyword(case when direction = 'inbound' then body end), false) as is_opt_out_keyword,
        coalesce(is_re_opt_in_keyword(case when direction = 'inbound' then body end), false) as is_re_opt_in_keyword,
    from searched
)

select * from final
