-- One database per service: a service never reads another's tables.
CREATE DATABASE epurchasing_competition;
CREATE DATABASE epurchasing_ordering;
CREATE DATABASE epurchasing_delivery;
CREATE DATABASE epurchasing_rating;
