/* placeholder until the programs land */ int main(void){return 0;}
