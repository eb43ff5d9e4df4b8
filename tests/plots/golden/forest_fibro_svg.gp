# Forest plot written by meta. Sizes are in points; rows are the y axis
# (row 1 at the top); edit freely and run with: gnuplot FILE
set encoding utf8
set terminal svg size 698,759 fixed noenhanced font 'Arial,Liberation Sans,Helvetica,sans-serif,9' background '#ffffff'
set output 'forest_fibro.svg'
unset key
# header
set label 'Antidepressants for fibromyalgia: pain' at screen 0.02006, screen 0.97655 left noenhanced font 'Arial Bold,11'
set label 'Study or Subgroup' at screen 0.02006, screen 0.92991 left noenhanced font 'Arial Bold,9'
set label 'Antidepressant' at screen 0.23542, screen 0.94835 center noenhanced font 'Arial Bold,9'
set label 'Mean' at screen 0.21070, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'SD' at screen 0.25442, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'Total' at screen 0.29669, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'Placebo' at screen 0.37335, screen 0.94835 center noenhanced font 'Arial Bold,9'
set label 'Mean' at screen 0.34684, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'SD' at screen 0.39056, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'Total' at screen 0.43282, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'Weight' at screen 0.49374, screen 0.92991 right noenhanced font 'Arial Bold,9'
set label 'Std. Mean Difference' at screen 0.51093, screen 0.94835 left noenhanced font 'Arial Bold,9'
set label '95% CI' at screen 0.51093, screen 0.92991 left noenhanced font 'Arial Bold,9'
set label 'Std. Mean Difference' at screen 0.82185, screen 0.94835 center noenhanced font 'Arial Bold,9'
set label '95% CI' at screen 0.82185, screen 0.92991 center noenhanced font 'Arial Bold,9'
set arrow from screen 0.02006, screen 0.91805 to screen 0.97994, screen 0.91805 nohead lw 0.8 lc rgb '#555555' back
# axis
set lmargin at screen 0.66425
set rmargin at screen 0.97944
set tmargin at screen 0.91410
set bmargin at screen 0.08406
set xrange [-2:2]
set yrange [45.5:0.5]
unset ytics
unset mxtics
set border 1 lw 1
set xtics out nomirror scale 0.6,0 font 'Arial,8' ('-2' -2, '-1' -1, '0' 0, '1' 1, '2' 2)
set arrow from first 0, graph 0 to first 0, graph 1 nohead lw 1 lc rgb '#000000' back
set label 'Favours Antidepressant' at screen 0.81325, screen 0.04321 right noenhanced font 'Arial,8'
set label 'Favours Placebo' at screen 0.83044, screen 0.04321 left noenhanced font 'Arial,8'
# row 1
set label 'TCA' at screen 0.02006, first 1 left noenhanced font 'Arial Bold,9'
# row 2
set label 'Carette et al. 1986' at screen 0.02006, first 2 left noenhanced
set label '4.30' at screen 0.21070, first 2 right noenhanced
set label '3.00' at screen 0.25442, first 2 right noenhanced
set label '27' at screen 0.29669, first 2 right noenhanced
set label '5.00' at screen 0.34684, first 2 right noenhanced
set label '3.00' at screen 0.39056, first 2 right noenhanced
set label '32' at screen 0.43282, first 2 right noenhanced
set label '5.3%' at screen 0.49374, first 2 right noenhanced
set label '-0.23 [-0.74, 0.28]' at screen 0.51093, first 2 left noenhanced
set arrow from first -0.744102, first 2 to first 0.283608, first 2 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.230247, first 2 size screen 0.01168, screen 0.01074 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 3
set label 'Carette et al. 1995' at screen 0.02006, first 3 left noenhanced
set label '5.07' at screen 0.21070, first 3 right noenhanced
set label '3.22' at screen 0.25442, first 3 right noenhanced
set label '22' at screen 0.29669, first 3 right noenhanced
set label '7.13' at screen 0.34684, first 3 right noenhanced
set label '2.41' at screen 0.39056, first 3 right noenhanced
set label '22' at screen 0.43282, first 3 right noenhanced
set label '4.3%' at screen 0.49374, first 3 right noenhanced
set label '-0.71 [-1.32, -0.10]' at screen 0.51093, first 3 left noenhanced
set arrow from first -1.32066, first 3 to first -0.101958, first 3 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.711311, first 3 size screen 0.01103, screen 0.01014 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 4
set label 'Ginsberg et al. 1996' at screen 0.02006, first 4 left noenhanced
set label '3.80' at screen 0.21070, first 4 right noenhanced
set label '2.40' at screen 0.25442, first 4 right noenhanced
set label '20' at screen 0.29669, first 4 right noenhanced
set label '7.00' at screen 0.34684, first 4 right noenhanced
set label '1.30' at screen 0.39056, first 4 right noenhanced
set label '20' at screen 0.43282, first 4 right noenhanced
set label '3.5%' at screen 0.49374, first 4 right noenhanced
set label '-1.63 [-2.34, -0.91]' at screen 0.51093, first 4 left noenhanced
set arrow from first -2, first 4 to first -0.910225, first 4 backhead size screen 0.00716,25 filled lw 1 lc rgb '#000000' back
set object rect center first -1.62503, first 4 size screen 0.01041, screen 0.00957 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 5
set label 'Goldenberg et al. 1996' at screen 0.02006, first 5 left noenhanced
set label '6.40' at screen 0.21070, first 5 right noenhanced
set label '2.83' at screen 0.25442, first 5 right noenhanced
set label '21' at screen 0.29669, first 5 right noenhanced
set label '8.15' at screen 0.34684, first 5 right noenhanced
set label '1.65' at screen 0.39056, first 5 right noenhanced
set label '19' at screen 0.43282, first 5 right noenhanced
set label '4.0%' at screen 0.49374, first 5 right noenhanced
set label '-0.73 [-1.37, -0.09]' at screen 0.51093, first 5 left noenhanced
set arrow from first -1.37196, first 5 to first -0.0901268, first 5 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.731041, first 5 size screen 0.01083, screen 0.00996 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 6
set label 'Hannonen et al. 1998' at screen 0.02006, first 6 left noenhanced
set label '4.50' at screen 0.21070, first 6 right noenhanced
set label '2.80' at screen 0.25442, first 6 right noenhanced
set label '32' at screen 0.29669, first 6 right noenhanced
set label '5.20' at screen 0.34684, first 6 right noenhanced
set label '2.70' at screen 0.39056, first 6 right noenhanced
set label '30' at screen 0.43282, first 6 right noenhanced
set label '5.5%' at screen 0.49374, first 6 right noenhanced
set label '-0.25 [-0.75, 0.25]' at screen 0.51093, first 6 left noenhanced
set arrow from first -0.751202, first 6 to first 0.248894, first 6 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.251154, first 6 size screen 0.01179, screen 0.01084 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 7
set label 'Kempenaers et al. 1994' at screen 0.02006, first 7 left noenhanced
set label '3.20' at screen 0.21070, first 7 right noenhanced
set label '3.10' at screen 0.25442, first 7 right noenhanced
set label '6' at screen 0.29669, first 7 right noenhanced
set label '3.70' at screen 0.34684, first 7 right noenhanced
set label '2.80' at screen 0.39056, first 7 right noenhanced
set label '8' at screen 0.43282, first 7 right noenhanced
set label '1.9%' at screen 0.49374, first 7 right noenhanced
set label '-0.16 [-1.22, 0.90]' at screen 0.51093, first 7 left noenhanced
set arrow from first -1.21994, first 7 to first 0.90037, first 7 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.159786, first 7 size screen 0.00897, screen 0.00825 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 8
set label 'Subtotal (95% CI)' at screen 0.02006, first 8 left noenhanced font 'Arial Bold,9'
set label '128' at screen 0.29669, first 8 right noenhanced font 'Arial Bold,9'
set label '131' at screen 0.43282, first 8 right noenhanced font 'Arial Bold,9'
set label '24.4%' at screen 0.49374, first 8 right noenhanced font 'Arial Bold,9'
set label '-0.61 [-1.04, -0.19]' at screen 0.51093, first 8 left noenhanced font 'Arial Bold,9'
set object polygon from first -1.03558, first 8 to first -0.613345, first 7.64 to first -0.191105, first 8 to first -0.613345, first 8.36 to first -1.03558, first 8 fc rgb '#000000' fs solid 1.0 noborder front
# row 9
set label 'Prediction interval' at screen 0.02006, first 9 left noenhanced
set label '[-1.52, 0.29]' at screen 0.51093, first 9 left noenhanced
set arrow from first -1.51763, first 9 to first 0.290941, first 9 heads size screen 0.00430,90 lw 1.5 lc rgb '#8b1a1a' front
# row 10
set label 'Heterogeneity: Tau² = 0.17; Chi² = 12.63, df = 5 (P = 0.03); I² = 62%' at screen 0.02006, first 10 left noenhanced font 'Arial,8'
# row 11
set label 'Test for overall effect: Z = 2.85 (P = 0.004)' at screen 0.02006, first 11 left noenhanced font 'Arial,8'
# row 13
set label 'SNRI' at screen 0.02006, first 13 left noenhanced font 'Arial Bold,9'
# row 14
set label 'Arnold et al. 2005' at screen 0.02006, first 14 left noenhanced
set label '-2.40' at screen 0.21070, first 14 right noenhanced
set label '2.35' at screen 0.25442, first 14 right noenhanced
set label '230' at screen 0.29669, first 14 right noenhanced
set label '-1.16' at screen 0.34684, first 14 right noenhanced
set label '2.28' at screen 0.39056, first 14 right noenhanced
set label '118' at screen 0.43282, first 14 right noenhanced
set label '9.8%' at screen 0.49374, first 14 right noenhanced
set label '-0.53 [-0.75, -0.30]' at screen 0.51093, first 14 left noenhanced
set arrow from first -0.754289, first 14 to first -0.303515, first 14 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.528902, first 14 size screen 0.01407, screen 0.01294 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 15
set label 'Arnold et al. 2004' at screen 0.02006, first 15 left noenhanced
set label '-1.98' at screen 0.21070, first 15 right noenhanced
set label '3.01' at screen 0.25442, first 15 right noenhanced
set label '101' at screen 0.29669, first 15 right noenhanced
set label '-1.35' at screen 0.34684, first 15 right noenhanced
set label '2.94' at screen 0.39056, first 15 right noenhanced
set label '103' at screen 0.43282, first 15 right noenhanced
set label '8.9%' at screen 0.49374, first 15 right noenhanced
set label '-0.21 [-0.49, 0.06]' at screen 0.51093, first 15 left noenhanced
set arrow from first -0.486214, first 15 to first 0.0642397, first 15 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.210987, first 15 size screen 0.01366, screen 0.01256 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 16
set label 'Russell et al. 2008' at screen 0.02006, first 16 left noenhanced
set label '-2.14' at screen 0.21070, first 16 right noenhanced
set label '2.54' at screen 0.25442, first 16 right noenhanced
set label '376' at screen 0.29669, first 16 right noenhanced
set label '-1.43' at screen 0.34684, first 16 right noenhanced
set label '2.52' at screen 0.39056, first 16 right noenhanced
set label '144' at screen 0.43282, first 16 right noenhanced
set label '10.3%' at screen 0.49374, first 16 right noenhanced
set label '-0.28 [-0.47, -0.09]' at screen 0.51093, first 16 left noenhanced
set arrow from first -0.472335, first 16 to first -0.086685, first 16 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.27951, first 16 size screen 0.01433, screen 0.01318 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 17
set label 'Vitton et al. 2004' at screen 0.02006, first 17 left noenhanced
set label '-2.30' at screen 0.21070, first 17 right noenhanced
set label '3.00' at screen 0.25442, first 17 right noenhanced
set label '97' at screen 0.29669, first 17 right noenhanced
set label '-0.90' at screen 0.34684, first 17 right noenhanced
set label '2.90' at screen 0.39056, first 17 right noenhanced
set label '28' at screen 0.43282, first 17 right noenhanced
set label '6.5%' at screen 0.49374, first 17 right noenhanced
set label '-0.47 [-0.89, -0.04]' at screen 0.51093, first 17 left noenhanced
set arrow from first -0.891632, first 17 to first -0.0427438, first 17 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.467188, first 17 size screen 0.01238, screen 0.01138 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 18
set label 'Subtotal (95% CI)' at screen 0.02006, first 18 left noenhanced font 'Arial Bold,9'
set label '804' at screen 0.29669, first 18 right noenhanced font 'Arial Bold,9'
set label '393' at screen 0.43282, first 18 right noenhanced font 'Arial Bold,9'
set label '35.5%' at screen 0.49374, first 18 right noenhanced font 'Arial Bold,9'
set label '-0.36 [-0.52, -0.20]' at screen 0.51093, first 18 left noenhanced font 'Arial Bold,9'
set object polygon from first -0.51816, first 18 to first -0.360042, first 17.64 to first -0.201924, first 18 to first -0.360042, first 18.36 to first -0.51816, first 18 fc rgb '#000000' fs solid 1.0 noborder front
# row 19
set label 'Prediction interval' at screen 0.02006, first 19 left noenhanced
set label '[-0.60, -0.12]' at screen 0.51093, first 19 left noenhanced
set arrow from first -0.601202, first 19 to first -0.118881, first 19 heads size screen 0.00430,90 lw 1.5 lc rgb '#8b1a1a' front
# row 20
set label 'Heterogeneity: Tau² = 0.01; Chi² = 4.19, df = 3 (P = 0.24); I² = 33%' at screen 0.02006, first 20 left noenhanced font 'Arial,8'
# row 21
set label 'Test for overall effect: Z = 4.46 (P < 0.00001)' at screen 0.02006, first 21 left noenhanced font 'Arial,8'
# row 23
set label 'SSRI' at screen 0.02006, first 23 left noenhanced font 'Arial Bold,9'
# row 24
set label 'Goldenberg et al. 1996' at screen 0.02006, first 24 left noenhanced
set label '5.75' at screen 0.21070, first 24 right noenhanced
set label '2.57' at screen 0.25442, first 24 right noenhanced
set label '22' at screen 0.29669, first 24 right noenhanced
set label '8.15' at screen 0.34684, first 24 right noenhanced
set label '1.65' at screen 0.39056, first 24 right noenhanced
set label '19' at screen 0.43282, first 24 right noenhanced
set label '3.9%' at screen 0.49374, first 24 right noenhanced
set label '-1.07 [-1.73, -0.42]' at screen 0.51093, first 24 left noenhanced
set arrow from first -1.72905, first 24 to first -0.416482, first 24 nohead lw 1 lc rgb '#000000' back
set object rect center first -1.07277, first 24 size screen 0.01074, screen 0.00987 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 25
set label 'Wolfe et al. 1994' at screen 0.02006, first 25 left noenhanced
set label '1.60' at screen 0.21070, first 25 right noenhanced
set label '0.79' at screen 0.25442, first 25 right noenhanced
set label '15' at screen 0.29669, first 25 right noenhanced
set label '1.60' at screen 0.34684, first 25 right noenhanced
set label '0.79' at screen 0.39056, first 25 right noenhanced
set label '9' at screen 0.43282, first 25 right noenhanced
set label '2.8%' at screen 0.49374, first 25 right noenhanced
set label '0.00 [-0.83, 0.83]' at screen 0.51093, first 25 left noenhanced
set arrow from first -0.826394, first 25 to first 0.826394, first 25 nohead lw 1 lc rgb '#000000' back
set object rect center first 0, first 25 size screen 0.00985, screen 0.00906 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 26
set label 'Anderberg et al. 2000' at screen 0.02006, first 26 left noenhanced
set label '-1.00' at screen 0.21070, first 26 right noenhanced
set label '1.86' at screen 0.25442, first 26 right noenhanced
set label '17' at screen 0.29669, first 26 right noenhanced
set label '0.00' at screen 0.34684, first 26 right noenhanced
set label '2.47' at screen 0.39056, first 26 right noenhanced
set label '18' at screen 0.43282, first 26 right noenhanced
set label '3.8%' at screen 0.49374, first 26 right noenhanced
set label '-0.45 [-1.12, 0.23]' at screen 0.51093, first 26 left noenhanced
set arrow from first -1.11604, first 26 to first 0.225975, first 26 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.445031, first 26 size screen 0.01065, screen 0.00979 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 27
set label 'Arnold et al. 2002' at screen 0.02006, first 27 left noenhanced
set label '-2.30' at screen 0.21070, first 27 right noenhanced
set label '2.40' at screen 0.25442, first 27 right noenhanced
set label '19' at screen 0.29669, first 27 right noenhanced
set label '-0.10' at screen 0.34684, first 27 right noenhanced
set label '2.50' at screen 0.39056, first 27 right noenhanced
set label '18' at screen 0.43282, first 27 right noenhanced
set label '3.8%' at screen 0.49374, first 27 right noenhanced
set label '-0.88 [-1.55, -0.20]' at screen 0.51093, first 27 left noenhanced
set arrow from first -1.55394, first 27 to first -0.203835, first 27 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.878885, first 27 size screen 0.01063, screen 0.00977 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 28
set label 'Nørregaard et al. 1995' at screen 0.02006, first 28 left noenhanced
set label '1.00' at screen 0.21070, first 28 right noenhanced
set label '2.10' at screen 0.25442, first 28 right noenhanced
set label '21' at screen 0.29669, first 28 right noenhanced
set label '0.70' at screen 0.34684, first 28 right noenhanced
set label '1.10' at screen 0.39056, first 28 right noenhanced
set label '21' at screen 0.43282, first 28 right noenhanced
set label '4.3%' at screen 0.49374, first 28 right noenhanced
set label '0.18 [-0.43, 0.78]' at screen 0.51093, first 28 left noenhanced
set arrow from first -0.430437, first 28 to first 0.781607, first 28 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.175585, first 28 size screen 0.01105, screen 0.01016 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 29
set label 'Patkar et al. 2007' at screen 0.02006, first 29 left noenhanced
set label '-12.20' at screen 0.21070, first 29 right noenhanced
set label '18.50' at screen 0.25442, first 29 right noenhanced
set label '38' at screen 0.29669, first 29 right noenhanced
set label '-8.80' at screen 0.34684, first 29 right noenhanced
set label '16.60' at screen 0.39056, first 29 right noenhanced
set label '48' at screen 0.43282, first 29 right noenhanced
set label '6.4%' at screen 0.49374, first 29 right noenhanced
set label '-0.19 [-0.62, 0.23]' at screen 0.51093, first 29 left noenhanced
set arrow from first -0.619521, first 29 to first 0.233601, first 29 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.19296, first 29 size screen 0.01236, screen 0.01137 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 30
set label 'Subtotal (95% CI)' at screen 0.02006, first 30 left noenhanced font 'Arial Bold,9'
set label '132' at screen 0.29669, first 30 right noenhanced font 'Arial Bold,9'
set label '133' at screen 0.43282, first 30 right noenhanced font 'Arial Bold,9'
set label '25.0%' at screen 0.49374, first 30 right noenhanced font 'Arial Bold,9'
set label '-0.39 [-0.78, -0.01]' at screen 0.51093, first 30 left noenhanced font 'Arial Bold,9'
set object polygon from first -0.781406, first 30 to first -0.394755, first 29.64 to first -0.008104, first 30 to first -0.394755, first 30.36 to first -0.781406, first 30 fc rgb '#000000' fs solid 1.0 noborder front
# row 31
set label 'Prediction interval' at screen 0.02006, first 31 left noenhanced
set label '[-1.20, 0.41]' at screen 0.51093, first 31 left noenhanced
set arrow from first -1.1965, first 31 to first 0.406988, first 31 heads size screen 0.00430,90 lw 1.5 lc rgb '#8b1a1a' front
# row 32
set label 'Heterogeneity: Tau² = 0.13; Chi² = 11.18, df = 5 (P = 0.05); I² = 56%' at screen 0.02006, first 32 left noenhanced font 'Arial,8'
# row 33
set label 'Test for overall effect: Z = 2.00 (P = 0.05)' at screen 0.02006, first 33 left noenhanced font 'Arial,8'
# row 35
set label 'MAOI' at screen 0.02006, first 35 left noenhanced font 'Arial Bold,9'
# row 36
set label 'Ginsberg et al. 1998' at screen 0.02006, first 36 left noenhanced
set label '4.85' at screen 0.21070, first 36 right noenhanced
set label '2.11' at screen 0.25442, first 36 right noenhanced
set label '33' at screen 0.29669, first 36 right noenhanced
set label '6.79' at screen 0.34684, first 36 right noenhanced
set label '1.53' at screen 0.39056, first 36 right noenhanced
set label '28' at screen 0.43282, first 36 right noenhanced
set label '5.1%' at screen 0.49374, first 36 right noenhanced
set label '-1.03 [-1.56, -0.49]' at screen 0.51093, first 36 left noenhanced
set arrow from first -1.56126, first 36 to first -0.49031, first 36 nohead lw 1 lc rgb '#000000' back
set object rect center first -1.02579, first 36 size screen 0.01153, screen 0.01060 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 37
set label 'Hannonen et al. 1998' at screen 0.02006, first 37 left noenhanced
set label '4.50' at screen 0.21070, first 37 right noenhanced
set label '2.70' at screen 0.25442, first 37 right noenhanced
set label '30' at screen 0.29669, first 37 right noenhanced
set label '5.20' at screen 0.34684, first 37 right noenhanced
set label '2.70' at screen 0.39056, first 37 right noenhanced
set label '30' at screen 0.43282, first 37 right noenhanced
set label '5.4%' at screen 0.49374, first 37 right noenhanced
set label '-0.26 [-0.76, 0.25]' at screen 0.51093, first 37 left noenhanced
set arrow from first -0.764016, first 37 to first 0.252236, first 37 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.25589, first 37 size screen 0.01173, screen 0.01078 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 38
set label 'Yavuzer et al. 1998' at screen 0.02006, first 38 left noenhanced
set label '1.57' at screen 0.21070, first 38 right noenhanced
set label '0.88' at screen 0.25442, first 38 right noenhanced
set label '26' at screen 0.29669, first 38 right noenhanced
set label '1.88' at screen 0.34684, first 38 right noenhanced
set label '0.83' at screen 0.39056, first 38 right noenhanced
set label '22' at screen 0.43282, first 38 right noenhanced
set label '4.7%' at screen 0.49374, first 38 right noenhanced
set label '-0.36 [-0.93, 0.22]' at screen 0.51093, first 38 left noenhanced
set arrow from first -0.927774, first 38 to first 0.216636, first 38 nohead lw 1 lc rgb '#000000' back
set object rect center first -0.355569, first 38 size screen 0.01127, screen 0.01037 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 39
set label 'Subtotal (95% CI)' at screen 0.02006, first 39 left noenhanced font 'Arial Bold,9'
set label '89' at screen 0.29669, first 39 right noenhanced font 'Arial Bold,9'
set label '80' at screen 0.43282, first 39 right noenhanced font 'Arial Bold,9'
set label '15.1%' at screen 0.49374, first 39 right noenhanced font 'Arial Bold,9'
set label '-0.55 [-1.02, -0.07]' at screen 0.51093, first 39 left noenhanced font 'Arial Bold,9'
set object polygon from first -1.02348, first 39 to first -0.545097, first 38.64 to first -0.066714, first 39 to first -0.545097, first 39.36 to first -1.02348, first 39 fc rgb '#000000' fs solid 1.0 noborder front
# row 40
set label 'Prediction interval' at screen 0.02006, first 40 left noenhanced
set label '[-1.34, 0.25]' at screen 0.51093, first 40 left noenhanced
set arrow from first -1.33616, first 40 to first 0.245967, first 40 heads size screen 0.00430,90 lw 1.5 lc rgb '#8b1a1a' front
# row 41
set label 'Heterogeneity: Tau² = 0.10; Chi² = 4.76, df = 2 (P = 0.09); I² = 58%' at screen 0.02006, first 41 left noenhanced font 'Arial,8'
# row 42
set label 'Test for overall effect: Z = 2.23 (P = 0.03)' at screen 0.02006, first 42 left noenhanced font 'Arial,8'
# row 44
set label 'Total (95% CI)' at screen 0.02006, first 44 left noenhanced font 'Arial Bold,9'
set label '1153' at screen 0.29669, first 44 right noenhanced font 'Arial Bold,9'
set label '737' at screen 0.43282, first 44 right noenhanced font 'Arial Bold,9'
set label '100.0%' at screen 0.49374, first 44 right noenhanced font 'Arial Bold,9'
set label '-0.45 [-0.61, -0.30]' at screen 0.51093, first 44 left noenhanced font 'Arial Bold,9'
set object polygon from first -0.610682, first 44 to first -0.45357, first 43.64 to first -0.296459, first 44 to first -0.45357, first 44.36 to first -0.610682, first 44 fc rgb '#000000' fs solid 1.0 noborder front
# row 45
set label 'Prediction interval' at screen 0.02006, first 45 left noenhanced
set label '[-0.93, 0.02]' at screen 0.51093, first 45 left noenhanced
set arrow from first -0.92933, first 45 to first 0.02219, first 45 heads size screen 0.00430,90 lw 1.5 lc rgb '#8b1a1a' front
# footer
set label 'Heterogeneity: Tau² = 0.05; Chi² = 35.75, df = 18 (P = 0.008); I² = 51%' at screen 0.02006, screen 0.07088 left noenhanced font 'Arial,8'
set label 'Test for overall effect: Z = 5.66 (P < 0.00001)' at screen 0.02006, screen 0.05507 left noenhanced font 'Arial,8'
set label 'Test for subgroup differences: Chi² = 1.58, df = 3 (P = 0.66), I² = 0%' at screen 0.02006, screen 0.03926 left noenhanced font 'Arial,8'
set label 'Random effects, REML, 95% CI' at screen 0.02006, screen 0.02345 left noenhanced font 'Arial,8'
plot NaN notitle
unset output
