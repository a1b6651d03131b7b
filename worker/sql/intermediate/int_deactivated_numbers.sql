-- one row per number a carrier listed as deactivated, with the earliest date it was listed
select phone, min(deactivated_at) as deactivated_on
from stg_deactivations
group by phone
