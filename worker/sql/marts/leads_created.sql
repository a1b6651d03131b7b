-- one row per lead of the leads file: its creation time and how many of its studio's leads were
-- created at or before it (ties alike). monthly and list_growth look up the leads created by a
-- month's start and end in it, each by one ASOF join (a range join would pair every lead with
-- every month).
with

leads as (
    select studio_id, created_at from int_leads
),

final as (
    select studio_id, created_at,
        count(*) over (partition by studio_id order by created_at range between unbounded preceding and current row) as created_so_far,
    from leads
)

select * from final
