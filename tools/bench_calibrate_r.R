#!/usr/bin/env Rscript
## survey::calibrate on the benchmark data (tools/bench_calibrate.sh), timed with system.time.
## Usage: Rscript bench_calibrate_r.R DIR METHOD   -> DIR/r_weights_METHOD.csv, prints "cpu_seconds <s>"
## Uses survey's list-of-margins interface (the same weights as formula + population vector, see
## shared/reference/calibration/README.md) with epsilon 1e-12, maxit 100 like the reference set.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; method <- args[2]
s <- read.csv(file.path(dir, "survey.csv"), colClasses = "character")
s$design_weight <- as.numeric(s$design_weight)
ctl <- read.csv(file.path(dir, "controls.csv"), colClasses = c("character", "character", "numeric"))
for (v in c("unit_code", "sex", "age_group", "area", "born_abroad", "hh_size")) s[[v]] <- factor(s[[v]])
des <- svydesign(ids = ~1, weights = ~design_weight, data = s)
margins <- split(ctl, factor(ctl$margin, levels = unique(ctl$margin)))
lf <- list(); lt <- list()
for (m in margins) {
  vars <- strsplit(m$margin[1], ":", fixed = TRUE)[[1]]
  parts <- do.call(rbind, strsplit(m$category, ":", fixed = TRUE))
  tab <- data.frame(parts, stringsAsFactors = FALSE); names(tab) <- vars
  for (v in vars) tab[[v]] <- factor(tab[[v]], levels = levels(s[[v]]))
  tab$Freq <- m$total
  lf[[length(lf) + 1]] <- as.formula(paste("~", paste(vars, collapse = "+")))
  lt[[length(lt) + 1]] <- tab
}
bounds <- if (method == "logit") c(0.3, 3) else c(-Inf, Inf)
tm <- system.time(cal <- calibrate(des, lf, lt, calfun = method, bounds = bounds, epsilon = 1e-12, maxit = 100))
w <- weights(cal)
writeLines(c("weight", sprintf("%.17g", w)), file.path(dir, paste0("r_weights_", method, ".csv")))
cat(sprintf("cpu_seconds %.3f\n", tm[["user.self"]] + tm[["sys.self"]]))
