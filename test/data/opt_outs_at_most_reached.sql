-- failing rows: a cohort with more attributed opt-outs than reached messages
select * from cohort_counts where opt_outs > reached or opted_out_recipients > recipients
