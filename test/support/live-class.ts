// Moved to libs/testing so the fault suite (scripts/faults) sets classes up the same way.
export { expectStatus, setUpLiveClass, type LiveClass } from '#testing';
