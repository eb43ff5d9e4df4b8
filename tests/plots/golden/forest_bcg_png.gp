# Forest plot written by meta. Sizes are in points; rows are the y axis
# (row 1 at the top); edit freely and run with: gnuplot FILE
set encoding utf8
set terminal pngcairo size 1346,682 noenhanced font 'Liberation Sans,9' fontscale 1.5 linewidth 1.5 background '#ffffff'
set output 'forest_bcg.png'
unset key
# header
set label 'BCG vaccine and tuberculosis' at screen 0.02080, screen 0.94780 left noenhanced font 'Liberation Sans Bold,11'
set label 'Study' at screen 0.02080, screen 0.84399 left noenhanced font 'Liberation Sans Bold,9'
set label 'BCG' at screen 0.27684, screen 0.88504 center noenhanced font 'Liberation Sans Bold,9'
set label 'Events' at screen 0.27052, screen 0.84399 right noenhanced font 'Liberation Sans Bold,9'
set label 'Total' at screen 0.32702, screen 0.84399 right noenhanced font 'Liberation Sans Bold,9'
set label 'Control' at screen 0.39502, screen 0.88504 center noenhanced font 'Liberation Sans Bold,9'
set label 'Events' at screen 0.38870, screen 0.84399 right noenhanced font 'Liberation Sans Bold,9'
set label 'Total' at screen 0.44520, screen 0.84399 right noenhanced font 'Liberation Sans Bold,9'
set label 'Weight' at screen 0.50838, screen 0.84399 right noenhanced font 'Liberation Sans Bold,9'
set label 'Risk Ratio' at screen 0.52621, screen 0.88504 left noenhanced font 'Liberation Sans Bold,9'
set label '95% CI' at screen 0.52621, screen 0.84399 left noenhanced font 'Liberation Sans Bold,9'
set label 'Risk Ratio' at screen 0.81453, screen 0.88504 center noenhanced font 'Liberation Sans Bold,9'
set label '95% CI' at screen 0.81453, screen 0.84399 center noenhanced font 'Liberation Sans Bold,9'
set arrow from screen 0.02080, screen 0.81760 to screen 0.97920, screen 0.81760 nohead lw 0.8 lc rgb '#555555' back
# axis
set lmargin at screen 0.65108
set rmargin at screen 0.97798
set tmargin at screen 0.80880
set bmargin at screen 0.15191
set xrange [0.05:20]
set yrange [16.5:0.5]
set logscale x
unset ytics
unset mxtics
set border 1 lw 1
set xtics out nomirror scale 0.6,0 font 'Liberation Sans,8' ('0.05' 0.05, '0.2' 0.2, '1' 1, '5' 5, '20' 20)
set arrow from first 1, graph 0 to first 1, graph 1 nohead lw 1 lc rgb '#000000' back
set label 'Favours BCG' at screen 0.80562, screen 0.06100 right noenhanced font 'Liberation Sans,8'
set label 'Favours Control' at screen 0.82345, screen 0.06100 left noenhanced font 'Liberation Sans,8'
# row 1
set label 'bcg: Aronson 1948' at screen 0.02080, first 1 left noenhanced
set label '4' at screen 0.27052, first 1 right noenhanced
set label '123' at screen 0.32702, first 1 right noenhanced
set label '11' at screen 0.38870, first 1 right noenhanced
set label '139' at screen 0.44520, first 1 right noenhanced
set label '5.1%' at screen 0.50838, first 1 right noenhanced
set label '0.41 [0.13, 1.26]' at screen 0.52621, first 1 left noenhanced
set arrow from first 0.134302, first 1 to first 1.2574, first 1 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.410939, first 1 size screen 0.01201, screen 0.02370 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 2
set label 'bcg: Ferguson & Simes 1949' at screen 0.02080, first 2 left noenhanced
set label '6' at screen 0.27052, first 2 right noenhanced
set label '306' at screen 0.32702, first 2 right noenhanced
set label '29' at screen 0.38870, first 2 right noenhanced
set label '303' at screen 0.44520, first 2 right noenhanced
set label '6.4%' at screen 0.50838, first 2 right noenhanced
set label '0.20 [0.09, 0.49]' at screen 0.52621, first 2 left noenhanced
set arrow from first 0.0862974, first 2 to first 0.486352, first 2 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.204868, first 2 size screen 0.01283, screen 0.02533 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 3
set label 'bcg: Rosenthal et al 1960' at screen 0.02080, first 3 left noenhanced
set label '3' at screen 0.27052, first 3 right noenhanced
set label '231' at screen 0.32702, first 3 right noenhanced
set label '11' at screen 0.38870, first 3 right noenhanced
set label '220' at screen 0.44520, first 3 right noenhanced
set label '4.4%' at screen 0.50838, first 3 right noenhanced
set label '0.26 [0.07, 0.92]' at screen 0.52621, first 3 left noenhanced
set arrow from first 0.0734426, first 3 to first 0.918609, first 3 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.25974, first 3 size screen 0.01157, screen 0.02284 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 4
set label 'bcg: Hart & Sutherland 1977' at screen 0.02080, first 4 left noenhanced
set label '62' at screen 0.27052, first 4 right noenhanced
set label '13598' at screen 0.32702, first 4 right noenhanced
set label '248' at screen 0.38870, first 4 right noenhanced
set label '12867' at screen 0.44520, first 4 right noenhanced
set label '9.7%' at screen 0.50838, first 4 right noenhanced
set label '0.24 [0.18, 0.31]' at screen 0.52621, first 4 left noenhanced
set arrow from first 0.179281, first 4 to first 0.312141, first 4 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.236561, first 4 size screen 0.01462, screen 0.02886 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 5
set label 'bcg: Frimodt-Moller et al 1973' at screen 0.02080, first 5 left noenhanced
set label '33' at screen 0.27052, first 5 right noenhanced
set label '5069' at screen 0.32702, first 5 right noenhanced
set label '47' at screen 0.38870, first 5 right noenhanced
set label '5808' at screen 0.44520, first 5 right noenhanced
set label '8.9%' at screen 0.50838, first 5 right noenhanced
set label '0.80 [0.52, 1.25]' at screen 0.52621, first 5 left noenhanced
set arrow from first 0.516293, first 5 to first 1.25356, first 5 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.80449, first 5 size screen 0.01421, screen 0.02805 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 6
set label 'bcg: Stein & Aronson 1953' at screen 0.02080, first 6 left noenhanced
set label '180' at screen 0.27052, first 6 right noenhanced
set label '1541' at screen 0.32702, first 6 right noenhanced
set label '372' at screen 0.38870, first 6 right noenhanced
set label '1451' at screen 0.44520, first 6 right noenhanced
set label '10.1%' at screen 0.50838, first 6 right noenhanced
set label '0.46 [0.39, 0.54]' at screen 0.52621, first 6 left noenhanced
set arrow from first 0.387132, first 6 to first 0.536203, first 6 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.455611, first 6 size screen 0.01481, screen 0.02924 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 7
set label 'bcg: Vandiviere et al 1973' at screen 0.02080, first 7 left noenhanced
set label '8' at screen 0.27052, first 7 right noenhanced
set label '2545' at screen 0.32702, first 7 right noenhanced
set label '10' at screen 0.38870, first 7 right noenhanced
set label '629' at screen 0.44520, first 7 right noenhanced
set label '6.0%' at screen 0.50838, first 7 right noenhanced
set label '0.20 [0.08, 0.50]' at screen 0.52621, first 7 left noenhanced
set arrow from first 0.0783566, first 7 to first 0.498919, first 7 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.197721, first 7 size screen 0.01263, screen 0.02492 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 8
set label 'bcg: TPT Madras 1980' at screen 0.02080, first 8 left noenhanced
set label '505' at screen 0.27052, first 8 right noenhanced
set label '88391' at screen 0.32702, first 8 right noenhanced
set label '499' at screen 0.38870, first 8 right noenhanced
set label '88391' at screen 0.44520, first 8 right noenhanced
set label '10.2%' at screen 0.50838, first 8 right noenhanced
set label '1.01 [0.89, 1.14]' at screen 0.52621, first 8 left noenhanced
set arrow from first 0.894572, first 8 to first 1.1449, first 8 nohead lw 1 lc rgb '#000000' back
set object rect center first 1.01202, first 8 size screen 0.01486, screen 0.02933 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 9
set label 'bcg: Coetzee & Berjak 1968' at screen 0.02080, first 9 left noenhanced
set label '29' at screen 0.27052, first 9 right noenhanced
set label '7499' at screen 0.32702, first 9 right noenhanced
set label '45' at screen 0.38870, first 9 right noenhanced
set label '7277' at screen 0.44520, first 9 right noenhanced
set label '8.7%' at screen 0.50838, first 9 right noenhanced
set label '0.63 [0.39, 1.00]' at screen 0.52621, first 9 left noenhanced
set arrow from first 0.392576, first 9 to first 0.996196, first 9 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.625366, first 9 size screen 0.01415, screen 0.02792 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 10
set label 'bcg: Rosenthal et al 1961' at screen 0.02080, first 10 left noenhanced
set label '17' at screen 0.27052, first 10 right noenhanced
set label '1716' at screen 0.32702, first 10 right noenhanced
set label '65' at screen 0.38870, first 10 right noenhanced
set label '1665' at screen 0.44520, first 10 right noenhanced
set label '8.4%' at screen 0.50838, first 10 right noenhanced
set label '0.25 [0.15, 0.43]' at screen 0.52621, first 10 left noenhanced
set arrow from first 0.149421, first 10 to first 0.430976, first 10 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.253765, first 10 size screen 0.01395, screen 0.02754 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 11
set label 'bcg: Comstock et al 1974' at screen 0.02080, first 11 left noenhanced
set label '186' at screen 0.27052, first 11 right noenhanced
set label '50634' at screen 0.32702, first 11 right noenhanced
set label '141' at screen 0.38870, first 11 right noenhanced
set label '27338' at screen 0.44520, first 11 right noenhanced
set label '9.9%' at screen 0.50838, first 11 right noenhanced
set label '0.71 [0.57, 0.89]' at screen 0.52621, first 11 left noenhanced
set arrow from first 0.572514, first 11 to first 0.886035, first 11 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.712227, first 11 size screen 0.01473, screen 0.02908 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 12
set label 'bcg: Comstock & Webster 1969' at screen 0.02080, first 12 left noenhanced
set label '5' at screen 0.27052, first 12 right noenhanced
set label '2498' at screen 0.32702, first 12 right noenhanced
set label '3' at screen 0.38870, first 12 right noenhanced
set label '2341' at screen 0.44520, first 12 right noenhanced
set label '3.8%' at screen 0.50838, first 12 right noenhanced
set label '1.56 [0.37, 6.53]' at screen 0.52621, first 12 left noenhanced
set arrow from first 0.373689, first 12 to first 6.52837, first 12 nohead lw 1 lc rgb '#000000' back
set object rect center first 1.56192, first 12 size screen 0.01112, screen 0.02194 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 13
set label 'bcg: Comstock et al 1976' at screen 0.02080, first 13 left noenhanced
set label '27' at screen 0.27052, first 13 right noenhanced
set label '16913' at screen 0.32702, first 13 right noenhanced
set label '29' at screen 0.38870, first 13 right noenhanced
set label '17854' at screen 0.44520, first 13 right noenhanced
set label '8.4%' at screen 0.50838, first 13 right noenhanced
set label '0.98 [0.58, 1.66]' at screen 0.52621, first 13 left noenhanced
set arrow from first 0.582137, first 13 to first 1.65934, first 13 nohead lw 1 lc rgb '#000000' back
set object rect center first 0.982835, first 13 size screen 0.01397, screen 0.02757 fc rgb '#2b5c8a' fs solid 1.0 noborder front
# row 14
set label 'Total (95% CI)' at screen 0.02080, first 14 left noenhanced font 'Liberation Sans Bold,9'
set label '191064' at screen 0.32702, first 14 right noenhanced font 'Liberation Sans Bold,9'
set label '166283' at screen 0.44520, first 14 right noenhanced font 'Liberation Sans Bold,9'
set label '100.0%' at screen 0.50838, first 14 right noenhanced font 'Liberation Sans Bold,9'
set label '0.49 [0.34, 0.70]' at screen 0.52621, first 14 left noenhanced font 'Liberation Sans Bold,9'
set object polygon from first 0.344074, first 14 to first 0.489421, first 13.64 to first 0.696166, first 14 to first 0.489421, first 14.36 to first 0.344074, first 14 fc rgb '#000000' fs solid 1.0 noborder front
# row 15
set label 'Total events' at screen 0.02080, first 15 left noenhanced
set label '1065' at screen 0.27052, first 15 right noenhanced
set label '1510' at screen 0.38870, first 15 right noenhanced
# row 16
set label 'Prediction interval' at screen 0.02080, first 16 left noenhanced
set label '[0.15, 1.55]' at screen 0.52621, first 16 left noenhanced
set arrow from first 0.154634, first 16 to first 1.54903, first 16 heads size screen 0.00446,90 lw 1.5 lc rgb '#8b1a1a' front
# footer
set label 'Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%' at screen 0.02080, screen 0.12258 left noenhanced font 'Liberation Sans,8'
set label 'Test for overall effect: Z = 3.97 (P < 0.0001)' at screen 0.02080, screen 0.08739 left noenhanced font 'Liberation Sans,8'
set label 'Random effects, REML, 95% CI' at screen 0.02080, screen 0.05220 left noenhanced font 'Liberation Sans,8'
plot NaN notitle
unset output
