-- The overview's "Do these first" list: at most five actions, ranked greedily, each counted net
-- of the ones before it. Reads action_candidates (analysis/actions.ts makes it): one row per
-- action and message it would change, with the opt-outs attributed to the message (opt_outs)
-- and the part of them the action would avoid if nothing else did (weight: all of them for an
-- action that stops the message, the part above the usual rate for one that changes it).
--
-- Round 1 takes the action avoiding most; each later round takes, among the actions not yet
-- taken, the one avoiding most of what the earlier ones left: on each message an action avoids
-- at most what is left of its opt-outs, so two actions never count the same opt-out twice.
-- Ties go to the action key in alphabetical order. Actions that avoid less than half an
-- opt-out are left out (the list shows whole opt-outs).
with

candidates as (
    -- one row per action and message (a message two spikes name for the same action counts once)
    select action, message_no, max(weight) as weight
    from action_candidates
    where weight > 0
    group by all
),

left_0 as (
    -- what is left to avoid on each message: at first all of its opt-outs
    select message_no, max(opt_outs)::double as opt_outs
    from action_candidates
    group by all
),

round_1 as (
    -- the action avoiding most of what is left
    select 1 as rank, c.action, sum(least(c.weight, m.opt_outs)) as avoided
    from candidates c
    join left_0 m using (message_no)
    group by c.action
    order by avoided desc, c.action
    limit 1
),

left_1 as (
    -- (least ignores a null: a message the action does not touch keeps what it had)
    select m.message_no, m.opt_outs - case when c.weight is null then 0 else least(c.weight, m.opt_outs) end as opt_outs
    from left_0 m
    left join candidates c on c.message_no = m.message_no and c.action = (select action from round_1)
),

round_2 as (
    -- the action avoiding most of what is left
    select 2 as rank, c.action, sum(least(c.weight, m.opt_outs)) as avoided
    from candidates c
    join left_1 m using (message_no)
    where c.action not in (select action from round_1)
    group by c.action
    order by avoided desc, c.action
    limit 1
),

left_2 as (
    -- (least ignores a null: a message the action does not touch keeps what it had)
    select m.message_no, m.opt_outs - case when c.weight is null then 0 else least(c.weight, m.opt_outs) end as opt_outs
    from left_1 m
    left join candidates c on c.message_no = m.message_no and c.action = (select action from round_2)
),

round_3 as (
    -- the action avoiding most of what is left
    select 3 as rank, c.action, sum(least(c.weight, m.opt_outs)) as avoided
    from candidates c
    join left_2 m using (message_no)
    where c.action not in (select action from round_1 union all select action from round_2)
    group by c.action
    order by avoided desc, c.action
    limit 1
),

left_3 as (
    -- (least ignores a null: a message the action does not touch keeps what it had)
    select m.message_no, m.opt_outs - case when c.weight is null then 0 else least(c.weight, m.opt_outs) end as opt_outs
    from left_2 m
    left join candidates c on c.message_no = m.message_no and c.action = (select action from round_3)
),

round_4 as (
    -- the action avoiding most of what is left
    select 4 as rank, c.action, sum(least(c.weight, m.opt_outs)) as avoided
    from candidates c
    join left_3 m using (message_no)
    where c.action not in (select action from round_1 union all select action from round_2 union all select action from round_3)
    group by c.action
    order by avoided desc, c.action
    limit 1
),

left_4 as (
    -- (least ignores a null: a message the action does not touch keeps what it had)
    select m.message_no, m.opt_outs - case when c.weight is null then 0 else least(c.weight, m.opt_outs) end as opt_outs
    from left_3 m
    left join candidates c on c.message_no = m.message_no and c.action = (select action from round_4)
),

round_5 as (
    -- the action avoiding most of what is left
    select 5 as rank, c.action, sum(least(c.weight, m.opt_outs)) as avoided
    from candidates c
    join left_4 m using (message_no)
    where c.action not in (select action from round_1 union all select action from round_2 union all select action from round_3 union all select action from round_4)
    group by c.action
    order by avoided desc, c.action
    limit 1
),

final as (
    select rank, action, avoided, round(avoided)::integer as opt_outs_avoided
    from (
        select * from round_1 union all select * from round_2 union all select * from round_3
        union all select * from round_4 union all select * from round_5
    )
    where avoided >= 0.5
)

select * from final order by rank
