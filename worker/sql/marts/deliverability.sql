-- one row per (studio, local month, outcome): outbound attempts that failed or went undelivered,
-- by provider error code, against all outbound attempts of that studio and month
with

outbound as (
    select
        studio_id,
        strftime(local_date, '%Y-%m') as month,
        status,
        error_code,
    from int_messages_identified
    where direction = 'outbound'
),

attempts as (
    select studio_id, month, count(*)::integer as attempts
    from outbound
    group by studio_id, month
),

failures as (
    select
        studio_id,
        month,
        case
            when error_code in (30003, 30005, 30006, 30007, 21610) then error_code::varchar
            when error_code is null then 'no code'
            else 'other'
        end as error_code,
        count(*)::integer as messages,
    from outbound
    where status in ('failed', 'undelivered')
    group by all
),

final as (
    select
        failures.studio_id,
        failures.month,
        failures.error_code,
        failures.messages,
        attempts.attempts,
        (failures.messages / attempts.attempts)::double as rate,
    from failures
    join attempts using (studio_id, month)
)

select * from final
