-- one row per (studio, phone): the most recently created lead with that number (SPEC section 2)
with

leads as (
    select * from int_leads
),

final as (
    select
        studio_id,
        phone,
        -- latest created_at wins; among leads created at the same instant, the greater lead_id
        arg_max(lead_key, (created_at, lead_id)) as lead_key,
    from leads
    group by studio_id, phone
)

select * from final
