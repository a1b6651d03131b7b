-- one row per period the marts compare: the review month ('current') and the month before it ('previous')
select 'current' as period, $period_start::date as starts_on, $period_end::date as ends_on
union all
select 'previous', $previous_start::date, $previous_end::date
